"""Shift expansion: time to turn 500 staff members' weekly templates into a 12-week horizon.

    uv run --frozen python bench/shift_expansion.py [--staff 500] [--weeks 12] [--repeats 5]
        [--start 2027-03-01] [--batch 50] [--no-database]

The staff members get realistic weekly hours (deterministic, seeded): half office hours
Mon-Fri ~08:00-17:00 with a lunch break, a fifth two ranges a day (morning and evening
clinics), some nights 20:00-08:00 with a break after midnight, some office hours plus
Saturday mornings; spread over clinics in Africa/Nairobi, Europe/London, America/Sao_Paulo
and America/New_York. The horizon is the local days start .. start + weeks*7 - 1 (84 days by
default); from 2027-03-01 it holds New York's (14 March) and London's (28 March) clock change,
so some nights last an hour less and a break that falls in the skipped hour disappears.

1. Pure expansion: `rules.expand` over the horizon for every staff member, best of --repeats
   runs (the weekly ranges are parsed once beforehand, outside the timing).
2. Into the database, the service's own path: a throwaway database with the least-privilege
   `shifts_svc` role (servicekit.provision, through ServiceDatabases so the role's password is
   the one the test sessions use), migrated with servicekit.migrations.upgrade; clinics (the
   identity projection), staff and their roles are inserted first, untimed. Then, timed: the
   `ShiftTemplate` rows are inserted and `generation.sync_template` is called for each, as the
   rolling-horizon job (`templates/horizon.py`) does it: --batch (its BATCH, 50) templates per
   transaction, the zones looked up once per batch, `strict=False` (clashing shifts skipped,
   not refused), every ShiftScheduled event staged in the outbox in the same transaction. The
   job finds its templates already stored; here they are inserted in the batch's transaction,
   and that INSERT is part of the timing. `now` is a fixed instant before the first local day
   in every zone, so every shift lies in the future; `from_day`/`until` pin the same local days
   as the pure expansion (the job's own `until` is local today + weeks, inclusive), so both
   parts must count the same shifts. The database is dropped at the end.

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else a Docker container or the embedded
server (servicekit.testing.servers), as bench/gateway_overhead.py finds it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import shifts
from servicekit.db import asyncpg_dsn, create_engine, session_factory
from servicekit.localtime import zone
from servicekit.migrations import upgrade
from servicekit.testing.databases import ServiceDatabases
from shifts.db import outbox
from shifts.projection import repository as projection
from shifts.projection.models import Clinic, StaffMember, StaffRole
from shifts.roster.models import Shift
from shifts.templates.generation import sync_template
from shifts.templates.horizon import BATCH
from shifts.templates.models import ShiftTemplate
from shifts.templates.rules import WeeklyRange, expand
from shifts.templates.schemas import DayHours, weekly_ranges
from sqlalchemy import func, select

SERVICE = "shifts"
MIGRATIONS = Path(shifts.__file__).parent / "migrations"
ZONES = ("Africa/Nairobi", "Europe/London", "America/Sao_Paulo", "America/New_York")
CLINICS_PER_ZONE = 3
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True)
class StaffPlan:
    """One staff member: the clinic they work at, its zone, and their weekly hours."""

    staff_id: uuid.UUID
    clinic: int
    time_zone: str
    kind: str
    weekly: list[dict[str, Any]]  # as the shift_templates.weekly column stores it


def _day(day: str, starts: str, ends: str, *breaks: tuple[str, str]) -> dict[str, Any]:
    hours: dict[str, Any] = {"day": day, "starts": starts, "ends": ends}
    hours["breaks"] = [{"starts": s, "ends": e} for s, e in breaks]
    # Validated and dumped as the service stores a template's week (templates/service.py).
    return DayHours.model_validate(hours).model_dump(mode="json")


def weekly_hours(kind: str, rng: random.Random) -> list[dict[str, Any]]:
    """A realistic week of the given kind, with a little variety in the hours."""
    if kind == "office":
        start = rng.choice(("07:30", "08:00", "08:30"))
        end = {"07:30": "16:30", "08:00": "17:00", "08:30": "17:30"}[start]
        lunch = rng.choice((("12:00", "12:45"), ("12:30", "13:15"), ("13:00", "13:45")))
        return [_day(day, start, end, lunch) for day in WORKDAYS]
    if kind == "split":  # morning and evening clinics: two ranges a day
        days = WORKDAYS if rng.random() < 0.5 else ("mon", "tue", "thu", "fri")
        week = []
        for day in days:
            week.append(_day(day, "07:00", "11:30", ("09:30", "09:45")))
            week.append(_day(day, "15:00", "19:30"))
        return week
    if kind == "nights":  # 20:00-08:00, a break after midnight (sometimes in the DST gap)
        nights = rng.choice((("wed", "fri", "sat"), ("sun", "mon", "tue"), ("thu", "fri", "sat")))
        pause = rng.choice((("00:30", "01:00"), ("02:00", "02:30"), ("01:00", "01:30")))
        return [_day(day, "20:00", "08:00", ("23:00", "23:15"), pause) for day in nights]
    # office hours Tuesday to Friday and Saturday mornings
    week = [_day(day, "08:00", "17:00", ("12:30", "13:15")) for day in WORKDAYS[1:]]
    week.append(_day("sat", "08:00", "12:30"))
    return week


def staff_plans(count: int, seed: int = 2027) -> list[StaffPlan]:
    rng = random.Random(seed)
    kinds = ["office"] * 10 + ["split"] * 4 + ["nights"] * 3 + ["saturdays"] * 3
    clinics = len(ZONES) * CLINICS_PER_ZONE
    plans = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        clinic = rng.randrange(clinics)
        plans.append(
            StaffPlan(
                staff_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                clinic=clinic,
                time_zone=ZONES[clinic % len(ZONES)],
                kind=kind,
                weekly=weekly_hours(kind, rng),
            )
        )
    return plans


# --------------------------------------------------------------------------- 1. pure expansion


def pure_expansion(plans: list[StaffPlan], first: date, last: date, repeats: int) -> int:
    """Expand every plan `repeats` times; print the best run. Returns the shift count."""
    prepared: list[tuple[list[WeeklyRange], Any]] = [
        (weekly_ranges(p.weekly), zone(p.time_zone)) for p in plans
    ]
    runs: list[float] = []
    count = 0
    for _ in range(repeats):
        started = time.perf_counter()
        count = 0
        for ranges, tz in prepared:
            count += len(list(expand(ranges, tz, first, last)))
        runs.append(time.perf_counter() - started)
    best = min(runs)
    # Outside the timing: how many shifts the clock changes touch.
    changed = 0
    for ranges, tz in prepared:
        for shift in expand(ranges, tz, first, last):
            local_end = shift.ends_at.astimezone(tz).replace(tzinfo=None)
            wall = local_end - datetime.combine(shift.local_date, shift.local_start)
            changed += wall != shift.ends_at - shift.starts_at
    by_kind: dict[str, int] = {}
    for p in plans:
        by_kind[p.kind] = by_kind.get(p.kind, 0) + 1
    print(
        f"pure expansion: {len(plans)} staff ({', '.join(f'{n} {k}' for k, n in by_kind.items())})"
        f" in {len(ZONES)} zones, local days {first} .. {last} ({(last - first).days + 1} days)"
    )
    print(
        f"  {count} shifts ({changed} last longer or shorter than their wall-clock hours: "
        f"clock changes); best of {repeats}: {best:.3f} s "
        f"= {best / len(plans) * 1e6:.0f} us per staff member, "
        f"{best / count * 1e6:.2f} us per shift (runs: {', '.join(f'{r:.3f}' for r in runs)})"
    )
    return count


# --------------------------------------------------------------------------- 2. the database


async def _migrate(service: str, url: str) -> None:
    # Alembic's env.py runs its own event loop: give it a thread.
    await asyncio.to_thread(upgrade, MIGRATIONS, url)


@contextlib.asynccontextmanager
async def database() -> AsyncIterator[str]:
    """The shifts role's URL of a fresh, migrated database; dropped afterwards."""
    from servicekit.testing.servers import start_postgres

    async with contextlib.AsyncExitStack() as stack:
        if url := os.environ.get("BENCH_DATABASE_URL"):
            admin_url, kind = asyncpg_dsn(url), "env BENCH_DATABASE_URL"
        else:
            server = await start_postgres()
            stack.push_async_callback(server.close)
            admin_url, kind = server.admin_url, server.kind
        databases = ServiceDatabases(admin_url, f"bench_shifts_{uuid.uuid4().hex[:10]}")
        stack.push_async_callback(databases.drop)
        started = time.perf_counter()
        service_url = await databases(SERVICE, migrate=_migrate)
        print(
            f"\ndatabase {databases.database} (PostgreSQL: {kind}) provisioned and migrated "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        yield service_url


async def into_database(
    plans: list[StaffPlan], first: date, last: date, batch: int, expected: int
) -> None:
    async with database() as url:
        engine = create_engine(url)
        try:
            await _fill(engine, plans, first, last, batch, expected)
        finally:
            await engine.dispose()


async def _fill(
    engine: Any, plans: list[StaffPlan], first: date, last: date, batch: int, expected: int
) -> None:
    sessions = session_factory(engine)
    clinic_ids = [uuid.uuid4() for _ in range(len(ZONES) * CLINICS_PER_ZONE)]
    async with sessions() as session, session.begin():
        session.add_all(
            Clinic(id=clinic_id, name=f"Clinic {n}", time_zone=ZONES[n % len(ZONES)])
            for n, clinic_id in enumerate(clinic_ids)
        )
        await session.flush()
        session.add_all(
            StaffMember(id=p.staff_id, full_name=f"Staff {n}") for n, p in enumerate(plans)
        )
        await session.flush()
        session.add_all(
            StaffRole(staff_id=p.staff_id, clinic_id=clinic_ids[p.clinic], role="provider")
            for p in plans
        )

    # Before the first local day everywhere: midnight of `first` in the zone furthest east.
    now = min(datetime.combine(first, datetime.min.time(), zone(z)) for z in ZONES).astimezone(UTC)
    now -= timedelta(hours=1)
    scheduled = 0
    syncing = 0.0
    started = time.perf_counter()
    for offset in range(0, len(plans), batch):
        async with sessions() as session, session.begin():
            templates = [
                ShiftTemplate(
                    id=uuid.uuid4(),
                    clinic_id=clinic_ids[p.clinic],
                    staff_id=p.staff_id,
                    role="provider",
                    valid_from=first,
                    valid_until=None,
                    weekly=p.weekly,
                    note=None,
                    created_by=None,
                )
                for p in plans[offset : offset + batch]
            ]
            session.add_all(templates)
            await session.flush()
            zones = await projection.zones_of(session, {t.clinic_id for t in templates})
            before = time.perf_counter()
            for template in templates:
                summary = await sync_template(
                    session,
                    template,
                    zones.get(template.clinic_id, "UTC"),
                    now=now,
                    until=last,
                    actor=None,
                    from_day=first,
                    strict=False,
                )
                scheduled += summary.scheduled
            syncing += time.perf_counter() - before
    elapsed = time.perf_counter() - started

    async with sessions() as session:
        shifts_in = await session.scalar(select(func.count()).select_from(Shift))
        staged = await session.scalar(select(func.count()).select_from(outbox.table))
    transactions = -(-len(plans) // batch)
    print(
        f"into the database: {len(plans)} templates, {batch} per transaction "
        f"({transactions} transactions, strict=False, as templates/horizon.py), now = "
        f"{now:%Y-%m-%d %H:%M}Z, local days {first} .. {last}"
    )
    print(
        f"  {shifts_in} shifts inserted ({scheduled} reported by sync_template; "
        f"pure expansion: {expected}), {staged} outbox rows staged"
    )
    print(
        f"  {elapsed:.2f} s wall = {shifts_in / elapsed:.0f} shifts/s, "
        f"{elapsed / len(plans) * 1000:.1f} ms per template "
        f"({syncing:.2f} s in sync_template, the rest template INSERTs and commits)"
    )
    if shifts_in != expected or staged != expected:
        print("  MISMATCH: the database does not hold what the pure expansion produced")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=500, help="staff members (default 500)")
    parser.add_argument("--weeks", type=int, default=12, help="horizon in weeks (default 12)")
    parser.add_argument(
        "--repeats", type=int, default=5, help="pure expansion runs, best shown (default 5)"
    )
    parser.add_argument(
        "--start",
        type=date.fromisoformat,
        default=date(2027, 3, 1),
        help="first local day (default 2027-03-01: both clock changes in 12 weeks)",
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=BATCH,
        help=f"templates per transaction (default {BATCH}, as the horizon job)",
    )
    parser.add_argument(
        "--no-database", action="store_true", help="only the pure expansion, no PostgreSQL"
    )
    args = parser.parse_args()
    first = args.start
    last = first + timedelta(weeks=args.weeks) - timedelta(days=1)
    plans = staff_plans(args.staff)
    count = pure_expansion(plans, first, last, args.repeats)
    if not args.no_database:
        asyncio.run(into_database(plans, first, last, args.batch, count))


if __name__ == "__main__":
    main()
