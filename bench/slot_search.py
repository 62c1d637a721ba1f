"""Slot search latency (p50/p99): one provider over 14 days, and a 50-provider clinic over 7.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        uv run --frozen python bench/slot_search.py [--seconds 15] [--warmup 2]
        [--concurrency 1] [--providers 50] [--booked 0.5] [--limit 50]

A clinic in Africa/Nairobi with --providers providers, each working Mon-Fri 08:00-17:00 with a
12:30-13:30 lunch break for three weeks from a coming Monday, a 15-minute online-bookable
appointment type on the 15-minute grid, and --booked (half) of every provider's 32 daily slots
already taken, at random (seeded). The clinic, staff and shifts reach booking's projection as
identity's and shifts' events would, through `booking.projection.handlers.on_event`; the type is
created by `booking.types.service.create_type`; the appointments are copied straight into
booking.appointments (COPY), then the tables are analysed as a clinic in service has them.

Two searches, as an anonymous patient (no token; the type is online-bookable) would send them:

a) `GET /v1/slots?clinic_id=&type_id=&provider_id=&from=&to=&limit=`: one provider, the 14 days
   from that Monday; each request names the next provider in turn.
b) the same without `provider_id` ("any provider"): the whole clinic, the 7 days from Monday.

Both go straight to booking running as `python -m booking` (as the local stack runs it), from
a load generator in its own process (this file with --load-worker: a minimal keep-alive
HTTP/1.1 client on asyncio, bench/load_client.py, uvloop when installed) at --concurrency
connections in a closed loop (default 1: the latency of a search itself, without queueing).
Before measuring, each search is checked once against the seeded data: all its pages must list
exactly the free starts the seeding left. --limit is the page size (the API's default is 50);
the service reads the whole window from the database but works out only the starts of the page.

Targets: one-provider p99 < 5 ms (issue 21; 20 ms before), clinic-wide p99 < 100 ms.

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else a Docker container or the
embedded server (servicekit.testing.servers). Kafka likewise (BENCH_KAFKA_BOOTSTRAP_SERVERS,
TEST_KAFKA_BOOTSTRAP_SERVERS, Docker, embedded Tansu). The database is a fresh one, dropped at
the end; booking and the broker are stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from harness import WORKER_FLAG, percentile_ms, postgres, run_load_process, serve_load, wait_ready
from harness import kafka as start_broker
from load_client import load, request

TIME_ZONE = "Africa/Nairobi"
WEEKS = 3  # of shifts and appointments, from the first Monday
OPEN = ((clock(8), clock(12, 30)), (clock(13, 30), clock(17)))  # Mon-Fri, lunch in between
VISIT_MINUTES = 15
TARGETS_MS = {"a": 5.0, "b": 100.0}  # p99 (one provider: 20 ms before issue 21)

# --------------------------------------------------------------------------- measurement


@dataclass
class Run:
    """What one load run measured, and the CPU each process spent during it."""

    latencies_us: list[int]
    statuses: dict[str, int]
    seconds: float
    cpu: dict[str, float] = field(default_factory=dict)  # share of one core, by process

    @property
    def rps(self) -> float:
        return len(self.latencies_us) / self.seconds

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != "200")


async def run_load(config: dict[str, Any], watch: dict[str, int]) -> Run:
    """One load run from a separate process; `watch` names the server processes to meter."""
    result, cpu = await run_load_process(__file__, config, watch)
    return Run(result["latencies_us"], result["window"], config["seconds"], cpu)


# --------------------------------------------------------------------------- servers and booking


@dataclass
class Booking:
    url: str  # where `python -m booking` listens
    database_url: str  # booking's role
    pid: int
    database_kind: str
    kafka_kind: str


@contextlib.asynccontextmanager
async def booking_service(concurrency: int) -> AsyncIterator[Booking]:
    """PostgreSQL (a fresh database, booking migrated), Kafka, and `python -m booking`."""
    from servicekit.kafka_admin import ensure_topics
    from servicekit.local.processes import free_port, spawn, terminate
    from servicekit.local.stack import contract_topics
    from servicekit.testing.databases import ServiceDatabases

    async with contextlib.AsyncExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-slots-")))
        admin_url, database_kind = await postgres(stack)
        databases = ServiceDatabases(admin_url, f"bench_slots_{uuid.uuid4().hex[:10]}")
        stack.push_async_callback(databases.drop)
        print(f"migrating booking in database {databases.database} ...", flush=True)
        database_url = await databases("booking")  # python -m booking migrate
        kafka, idempotence, kafka_kind = await start_broker(stack)
        prefix = f"bench{uuid.uuid4().hex[:8]}."
        await ensure_topics(kafka, contract_topics(prefix))
        port = free_port()
        withheld = {"DATABASE_URL", "TEST_DATABASE_URL", "BENCH_DATABASE_URL"}
        env = {key: value for key, value in os.environ.items() if key not in withheld}
        env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
        env |= {
            "ENVIRONMENT": "development",
            "PYTHONUNBUFFERED": "1",
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
            "KAFKA_ENABLE_IDEMPOTENCE": "true" if idempotence else "false",
            "KAFKA_TOPIC_PREFIX": prefix,
            # Anonymous searches verify no token: identity is not needed.
            "JWKS_URL": f"http://127.0.0.1:{free_port()}/.well-known/jwks.json",
            "BOOKING_HOST": "127.0.0.1",
            "BOOKING_PORT": str(port),
            "BOOKING_DATABASE_URL": database_url,
            "BOOKING_DATABASE_POOL_SIZE": str(max(concurrency, 20)),
        }
        log = work / "booking.log"
        # Its own session (Ctrl-C reaches only us; we stop it) and death signal if we are killed.
        process = spawn([sys.executable, "-m", "booking"], log_path=log, env=env)
        stack.push_async_callback(terminate, process)
        url = f"http://127.0.0.1:{port}"
        await wait_ready("booking", url, process, log)
        yield Booking(url, database_url, process.pid, database_kind, kafka_kind)
        print("stopping booking, the broker and dropping the database ...", flush=True)


# --------------------------------------------------------------------------- the clinic


@dataclass
class Clinic:
    """The seeded clinic and, per provider, the starts (UTC) its shifts offer and those booked."""

    id: uuid.UUID
    type_id: uuid.UUID
    providers: list[uuid.UUID]
    monday: date
    open_starts: dict[uuid.UUID, list[datetime]]
    booked: dict[uuid.UUID, set[datetime]]

    def free(self, provider: uuid.UUID, start: datetime, end: datetime) -> list[datetime]:
        """The provider's free starts in [start, end), as the search should list them."""
        taken = self.booked[provider]
        return [at for at in self.open_starts[provider] if start <= at < end and at not in taken]


def workdays(monday: date) -> list[date]:
    return [monday + timedelta(days=d) for d in range(WEEKS * 7) if d % 7 < 5]


def shift_events(clinic_id: uuid.UUID, staff: uuid.UUID, days: list[date]) -> list[Any]:
    """A ShiftScheduled per workday: 08:00-17:00 with the lunch break, as shifts publishes it."""
    from clinic_contracts.shifts import ShiftBreak, ShiftScheduled
    from servicekit.localtime import instant, zone

    tz = zone(TIME_ZONE)
    (start, lunch_from), (lunch_until, end) = OPEN
    events = []
    for day in days:
        lunch = ShiftBreak(
            starts_at=instant(day, lunch_from, tz), ends_at=instant(day, lunch_until, tz)
        )
        events.append(
            ShiftScheduled(
                shift_id=uuid.uuid4(),
                clinic_id=clinic_id,
                staff_id=staff,
                role="provider",
                starts_at=instant(day, start, tz),
                ends_at=instant(day, end, tz),
                breaks=[lunch],
                local_date=day.isoformat(),
                time_zone=TIME_ZONE,
            )
        )
    return events


def open_starts(days: list[date]) -> list[datetime]:
    """Every 15-minute start inside the open hours of `days` (UTC)."""
    from servicekit.localtime import instant, zone

    tz, step = zone(TIME_ZONE), timedelta(minutes=VISIT_MINUTES)
    starts = []
    for day in days:
        for begin, end in OPEN:
            at, last = instant(day, begin, tz), instant(day, end, tz) - step
            while at <= last:
                starts.append(at.astimezone(UTC))
                at += step
    return starts


async def seed(database_url: str, providers: int, booked_share: float) -> Clinic:
    """The clinic, its providers, shifts, the type and the booked appointments."""
    from booking.projection.handlers import on_event
    from booking.types.schemas import TypeCreate
    from booking.types.service import create_type
    from clinic_contracts.envelope import new_envelope
    from clinic_contracts.identity import ClinicCreated, MembershipGranted, UserRegistered
    from servicekit.auth import CLINIC_ADMIN, Membership, Principal
    from servicekit.consumer import deliver
    from servicekit.db import create_engine, session_factory
    from servicekit.localtime import local_day, zone

    rng = random.Random(2027)
    today = local_day(datetime.now(UTC), zone(TIME_ZONE))
    soon = today + timedelta(days=2)  # clear of the booking notice
    monday = soon + timedelta(days=(7 - soon.weekday()) % 7)
    clinic_id, staff = uuid.uuid4(), [uuid.uuid4() for _ in range(providers)]
    events: list[Any] = [ClinicCreated(clinic_id=clinic_id, name="Bench", time_zone=TIME_ZONE)]
    for n, provider in enumerate(staff):
        events.append(UserRegistered(user_id=provider, kind="staff", full_name=f"Dr Bench {n:02}"))
        events.append(MembershipGranted(user_id=provider, clinic_id=clinic_id, role="provider"))
        events.extend(shift_events(clinic_id, provider, workdays(monday)))
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            for event in events:
                await deliver(on_event, session, new_envelope(event, producer="bench"))
            admin = Principal(uuid.uuid4(), (Membership(CLINIC_ADMIN, clinic_id),))
            kind = await create_type(
                session,
                caller=admin,
                data=TypeCreate(
                    clinic_id=clinic_id,
                    name="Consultation",
                    duration_minutes=VISIT_MINUTES,
                    step_minutes=VISIT_MINUTES,
                ),
            )
    finally:
        await engine.dispose()
    starts = open_starts(workdays(monday))
    booked = {p: {at for at in starts if rng.random() < booked_share} for p in staff}
    clinic = Clinic(clinic_id, kind.id, staff, monday, dict.fromkeys(staff, starts), booked)
    await copy_appointments(database_url, clinic)
    return clinic


async def copy_appointments(database_url: str, clinic: Clinic) -> None:
    """The booked slots as appointment rows (COPY), then fresh statistics."""
    import asyncpg
    from servicekit.db import asyncpg_dsn

    step, now = timedelta(minutes=VISIT_MINUTES), datetime.now(UTC)
    records = []
    for provider, starts in clinic.booked.items():
        for at in sorted(starts):
            patient, ends = uuid.uuid4(), at + step
            row = (uuid.uuid4(), clinic.id, clinic.type_id, provider, patient, "booked")
            records.append((*row, at, ends, at, ends, "patient", now, patient))
    columns = [
        "id",
        "clinic_id",
        "type_id",
        "provider_id",
        "patient_id",
        "status",
        "starts_at",
        "ends_at",
        "blocked_from",
        "blocked_until",
        "booked_by",
        "booked_at",
        "created_by",
    ]
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await connection.copy_records_to_table(
            "appointments", schema_name="booking", columns=columns, records=records
        )
        # Statistics as a clinic in service has them (autovacuum would get there later).
        tables = ("clinics", "staff", "staff_roles", "shift_windows", "appointments")
        await connection.execute(f"ANALYZE {', '.join(f'booking.{t}' for t in tables)}")
    finally:
        await connection.close()


# --------------------------------------------------------------------------- the two searches


@dataclass
class Search:
    key: str
    label: str
    paths: list[str]  # one per request, in turn
    expected: dict[str, int]  # the first path's free starts: start -> providers free


def searches(clinic: Clinic, limit: int) -> list[Search]:
    from servicekit.localtime import instant, zone

    tz = zone(TIME_ZONE)
    start = instant(clinic.monday, clock(0), tz)

    def path(days: int, provider: uuid.UUID | None) -> str:
        query = {"clinic_id": clinic.id, "type_id": clinic.type_id}
        if provider is not None:
            query["provider_id"] = provider
        end = instant(clinic.monday + timedelta(days=days), clock(0), tz)
        query |= {"from": start.isoformat(), "to": end.isoformat(), "limit": limit}
        return f"/v1/slots?{urlencode(query)}"

    def expected(days: int, providers: list[uuid.UUID]) -> dict[str, int]:
        end = start + timedelta(days=days)
        free: dict[str, int] = {}
        for provider in providers:
            for at in clinic.free(provider, start, end):
                free[at.isoformat()] = free.get(at.isoformat(), 0) + 1
        return free

    n = len(clinic.providers)
    return [
        Search(
            "a",
            "a) one provider, 14 days",
            [path(14, p) for p in clinic.providers],
            expected(14, clinic.providers[:1]),
        ),
        Search(
            "b",
            f'b) {n} providers ("any provider"), 7 days',
            [path(7, None)],
            expected(7, clinic.providers),
        ),
    ]


async def check(booking: Booking, search: Search) -> str:
    """Walk every page of the first path; it must list exactly the seeded free starts."""
    found: dict[str, int] = {}
    pages = 0
    async with httpx.AsyncClient(base_url=booking.url, timeout=30, trust_env=False) as client:
        path, first_items = search.paths[0], 0
        while path:
            response = await client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path}: {response.status_code} {response.text[:500]}")
            body = response.json()
            pages += 1
            first_items = first_items or len(body["items"])
            for slot in body["items"]:
                at = datetime.fromisoformat(slot["starts_at"]).astimezone(UTC).isoformat()
                found[at] = len(slot["providers"])
            cursor = body.get("next_cursor")
            path = f"{search.paths[0]}&{urlencode({'cursor': cursor})}" if cursor else ""
    if found != search.expected:
        missing = sorted(set(search.expected) - set(found))[:3]
        extra = sorted(set(found) - set(search.expected))[:3]
        raise SystemExit(
            f"{search.label}: the search does not list the seeded free starts "
            f"({len(found)} found, {len(search.expected)} expected; missing {missing}, "
            f"unexpected {extra}, or other provider counts)"
        )
    pairs = sum(found.values())
    return (
        f"  {search.label}: {len(found)} free starts ({pairs} provider-starts) in {pages} "
        f"page(s), as seeded; a request returns the first page ({first_items} slots)"
    )


# --------------------------------------------------------------------------- reporting


def describe(run: Run) -> str:
    machine = run.cpu.get("machine", 0.0)
    cpu = ", ".join(f"{name} {share:.0%}" for name, share in run.cpu.items() if name != "machine")
    errors = f", {run.errors} errors {run.statuses}" if run.errors else ""
    per_search = ", ".join(
        f"{name} {share / run.rps * 1000:.2f}"
        for name, share in run.cpu.items()
        if name != "machine" and run.rps
    )
    return (
        f"    {run.rps:.0f} searches/s  p50 {percentile_ms(run.latencies_us, 0.5):.2f} ms  "
        f"p99 {percentile_ms(run.latencies_us, 0.99):.2f} ms  ({len(run.latencies_us)} ok"
        f"{errors}; cpu, 100% = one core: {cpu}; machine {machine:.0%} busy)\n"
        f"    cpu per search, ms: {per_search}"
    )


def report(runs: dict[str, tuple[Search, Run]], args: argparse.Namespace) -> None:
    print(
        f"\n=== slot search: GET /v1/slots straight to booking, {args.concurrency} "
        f"connection(s), limit {args.limit}, {args.booked:.0%} of slots booked ==="
    )
    print(
        f"  {'':<42}{'p50 ms':>9}{'p99 ms':>9}{'target':>9}{'max ms':>9}{'per s':>8}{'errors':>8}"
    )
    for key, (search, run) in runs.items():
        worst = max(run.latencies_us, default=0) / 1000
        print(
            f"  {search.label:<42}{percentile_ms(run.latencies_us, 0.5):>9.2f}"
            f"{percentile_ms(run.latencies_us, 0.99):>9.2f}{f'< {TARGETS_MS[key]:.0f}':>9}"
            f"{worst:>9.2f}{run.rps:>8.0f}{run.errors:>8}"
        )
    print("targets:")
    for key, (search, run) in runs.items():
        p99 = percentile_ms(run.latencies_us, 0.99)
        verdict = "met" if p99 < TARGETS_MS[key] else "NOT met"
        print(f"  {search.label}: p99 < {TARGETS_MS[key]:.0f} ms: measured {p99:.1f} ms: {verdict}")


async def main(args: argparse.Namespace) -> None:
    task = asyncio.current_task()
    assert task is not None
    # SIGTERM gets the orderly cleanup of Ctrl-C: cancelling unwinds every `async with`.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    runs: dict[str, tuple[Search, Run]] = {}
    async with booking_service(args.concurrency) as booking:
        started = time.perf_counter()
        clinic = await seed(booking.database_url, args.providers, args.booked)
        rows = sum(len(starts) for starts in clinic.booked.values())
        print(
            f"seeded in {time.perf_counter() - started:.1f} s: {args.providers} providers, "
            f"Mon-Fri 08:00-12:30 and 13:30-17:00 for {WEEKS} weeks from {clinic.monday} "
            f"({TIME_ZONE}), {rows} appointments booked "
            f"({rows / (len(clinic.providers) * len(clinic.open_starts[clinic.providers[0]])):.0%}"
            f" of the {VISIT_MINUTES}-minute slots)\n"
            f"{cores} CPU cores shared by the load generator (its own process), booking and "
            f"PostgreSQL ({booking.database_kind}); Kafka: {booking.kafka_kind}",
            flush=True,
        )
        for search in searches(clinic, args.limit):
            print(await check(booking, search), flush=True)
            headers = {"Accept": "application/json", "User-Agent": "slot-search-bench"}
            config = {
                "url": booking.url,
                "requests": [request("GET", booking.url + path, headers) for path in search.paths],
                "connections": args.concurrency,
                "seconds": args.seconds,
                "warmup": args.warmup,
            }
            run = await run_load(config, {"booking": booking.pid})
            print(describe(run), flush=True)
            runs[search.key] = (search, run)
    report(runs, args)


if __name__ == "__main__":
    if sys.argv[1:2] == [WORKER_FLAG]:
        serve_load(load)
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured s per search")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured s before each")
    parser.add_argument(
        "--concurrency", type=int, default=1, help="connections (default 1: no queueing)"
    )
    parser.add_argument("--providers", type=int, default=50, help="providers (default 50)")
    parser.add_argument(
        "--booked", type=float, default=0.5, help="share of slots already booked (default 0.5)"
    )
    parser.add_argument("--limit", type=int, default=50, help="page size (default 50, the API's)")
    arguments = parser.parse_args()
    try:
        asyncio.run(main(arguments))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted; everything started here has been stopped", file=sys.stderr)
        sys.exit(130)
