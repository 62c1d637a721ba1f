"""Conflict rate of an offline day at the front desk, with and without an offline allotment.

    uv run --frozen python bench/offline_conflicts.py [--providers 10] [--days 5]
        [--walk-ins 10] [--patients 120] [--reserved-hours 2] [--seed 7]

A clinic in Africa/Nairobi with --providers providers, each working 08:00-18:00 (10 hours)
on --days coming days, and a 30-minute type on the 30-minute grid (20 starts a provider and
day). For each day and each of two clinics set up alike (one without allotments, one where
every provider has --reserved-hours of reserved front desk time at a seeded start):

1. the front desk device snapshots availability before it goes offline: a receptionist's
   `GET /v1/slots?reserved=include` (every free start) and `reserved=only` (the starts
   inside reserved time), all pages;
2. during the offline day --patients online patients each search (`GET /v1/slots` with
   their own token: reserved time is left out) and book a random free start with a random
   free provider; the device meanwhile books --walk-ins visits from its stale snapshot,
   into reserved starts first (when there are any), then any other start it believes free;
3. it reconnects and sends its bookings as the receptionist (`POST /v1/appointments`):
   a 409 is a conflict.

Printed: the parameters, each day's conflicts, and the conflict rate of both clinics. The
same seed gives the device and the patients the same choices in both clinics wherever the
snapshots agree. Assumed: the device's bookings reach the server before the reserved time is
released (its start less BOOKING_ALLOTMENT_RELEASE_MINUTES, 2 h): the days are ahead, so no
allotment is released during the run. A walk-in booked offline into time released meanwhile
can clash as it would without an allotment.

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else a Docker container or the
embedded server; Kafka likewise. The database is a fresh one, dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
from booking_seed import apply_to_booking, clinic_events, provider_events
from harness import kafka as start_broker
from harness import postgres

TIME_ZONE = "Africa/Nairobi"
OPENS, CLOSES = 8, 18  # the providers' working hours, local
VISIT_MINUTES = 30

Pick = tuple[str, str]  # (start, provider)


async def open_clinic(database_url: str, providers: int, days: list[date]) -> dict[str, Any]:
    """A clinic whose providers work OPENS-CLOSES on `days`, in booking's projection."""
    clinic = uuid.uuid4()
    staff = [uuid.uuid4() for _ in range(providers)]
    events = clinic_events(clinic, "Offline", TIME_ZONE)
    for n, provider in enumerate(staff):
        events += provider_events(clinic, provider, f"Dr {n}", days, (OPENS, CLOSES), TIME_ZONE)
    await apply_to_booking(database_url, events)
    return {"id": str(clinic), "providers": [str(p) for p in staff]}


async def snapshot(
    client: httpx.AsyncClient, params: dict[str, Any], headers: dict[str, str], reserved: str
) -> list[Pick]:
    """Every (start, provider) a search offers, all pages."""
    picks: list[Pick] = []
    cursor: str | None = None
    while True:
        query = (
            params | {"reserved": reserved, "limit": 200} | ({"cursor": cursor} if cursor else {})
        )
        response = await client.get("/v1/slots", params=query, headers=headers)
        response.raise_for_status()
        page = response.json()
        picks += [(s["starts_at"], p["id"]) for s in page["items"] for p in s["providers"]]
        if (cursor := page["next_cursor"]) is None:
            return picks


def device_plan(
    every: list[Pick], reserved: list[Pick], walk_ins: int, rng: random.Random
) -> list[Pick]:
    """The device's offline bookings: reserved starts first, then any it believes free."""
    mine: list[Pick] = []
    for pool in (sorted(reserved), sorted(set(every) - set(reserved))):
        rng.shuffle(pool)
        mine += pool[: walk_ins - len(mine)]
    return mine


async def online_day(
    client: httpx.AsyncClient,
    params: dict[str, Any],
    issuer: Any,
    patients: int,
    rng: random.Random,
) -> int:
    """Patients search and book a random free start each; how many booked."""
    from servicekit.auth import Membership

    booked = 0
    for _ in range(patients):
        token = issuer.headers(uuid.uuid4(), Membership("patient"))
        response = await client.get("/v1/slots", params=params | {"limit": 200}, headers=token)
        response.raise_for_status()
        offered = response.json()["items"]
        if not offered:
            break
        slot = rng.choice(offered)
        body = {
            "clinic_id": params["clinic_id"],
            "type_id": params["type_id"],
            "starts_at": slot["starts_at"],
            "provider_id": rng.choice(slot["providers"])["id"],
        }
        answer = await client.post("/v1/appointments", json=body, headers=token)
        booked += answer.status_code == 201
    return booked


async def reconnect(
    client: httpx.AsyncClient, params: dict[str, Any], desk: dict[str, str], plan: list[Pick]
) -> int:
    """The device's bookings sent after the outage; how many clash (409)."""
    clashes = 0
    for starts_at, provider in plan:
        body = {
            "clinic_id": params["clinic_id"],
            "type_id": params["type_id"],
            "starts_at": starts_at,
            "provider_id": provider,
            "patient_id": str(uuid.uuid4()),
            "walk_in": True,
        }
        response = await client.post("/v1/appointments", json=body, headers=desk)
        if response.status_code not in (201, 409):
            raise SystemExit(f"unexpected {response.status_code}: {response.text}")
        clashes += response.status_code == 409
    return clashes


async def setup(client: httpx.AsyncClient, clinic: dict[str, Any], admin: dict[str, str]) -> str:
    body = {
        "clinic_id": clinic["id"],
        "name": "Consultation",
        "duration_minutes": VISIT_MINUTES,
        "step_minutes": VISIT_MINUTES,
    }
    response = await client.post("/v1/appointment-types", json=body, headers=admin)
    response.raise_for_status()
    return str(response.json()["id"])


async def reserve(
    client: httpx.AsyncClient,
    clinic: dict[str, Any],
    admin: dict[str, str],
    days: list[date],
    hours: int,
    rng: random.Random,
) -> None:
    """`hours` of reserved front desk time per provider and day, on the hour, at random."""
    from servicekit.localtime import instant, zone

    tz = zone(TIME_ZONE)
    for day in days:
        for provider in clinic["providers"]:
            start = rng.randrange(OPENS, CLOSES - hours + 1)
            body = {
                "clinic_id": clinic["id"],
                "provider_id": provider,
                "starts_at": instant(day, time(start), tz).isoformat(),
                "ends_at": instant(day, time(start + hours), tz).isoformat(),
            }
            response = await client.post("/v1/allotments", json=body, headers=admin)
            response.raise_for_status()


async def one_clinic(
    client: httpx.AsyncClient,
    issuer: Any,
    database_url: str,
    args: argparse.Namespace,
    days: list[date],
    hours: int,
) -> tuple[int, int]:
    """The offline days of one clinic (with `hours` of allotment, or none): clashes, sent."""
    from servicekit.auth import Membership
    from servicekit.localtime import instant, zone

    tz = zone(TIME_ZONE)
    clinic = await open_clinic(database_url, args.providers, days)
    cid = uuid.UUID(clinic["id"])
    admin = issuer.headers(uuid.uuid4(), Membership("clinic_admin", cid))
    desk = issuer.headers(uuid.uuid4(), Membership("receptionist", cid))
    type_id = await setup(client, clinic, admin)
    if hours:
        await reserve(client, clinic, admin, days, hours, random.Random(args.seed))
    rng, clashes, sent = random.Random(args.seed), 0, 0
    for day in days:
        params = {
            "clinic_id": clinic["id"],
            "type_id": type_id,
            "from": instant(day, time(0), tz).isoformat(),
            "to": instant(day + timedelta(days=1), time(0), tz).isoformat(),
        }
        every = await snapshot(client, params, desk, "include")
        held = await snapshot(client, params, desk, "only")
        plan = device_plan(every, held, args.walk_ins, rng)
        booked = await online_day(client, params, issuer, args.patients, rng)
        clashed = await reconnect(client, params, desk, plan)
        clashes, sent = clashes + clashed, sent + len(plan)
        inside = sum(p in held for p in plan)
        print(
            f"{'with' if hours else 'without'} allotment, {day}: {booked} booked online; "
            f"device {len(plan)} ({inside} in reserved time), {clashed} conflicts",
            flush=True,
        )
    return clashes, sent


async def run(args: argparse.Namespace) -> int:
    from booking.settings import Settings
    from servicekit.localtime import local_day, zone
    from servicekit.testing.databases import ServiceDatabases
    from servicekit.testing.issuer import TokenIssuer
    from servicekit.testing.processes import jwks_server, service_process

    tz = zone(TIME_ZONE)
    first = local_day(datetime.now(UTC), tz) + timedelta(days=2)
    days = [first + timedelta(days=n) for n in range(args.days)]
    print(
        f"providers {args.providers} working {OPENS}:00-{CLOSES}:00, {VISIT_MINUTES}-minute "
        f"visits; {args.days} days; a day: {args.patients} online patients, {args.walk_ins} "
        f"offline walk-ins; allotment {args.reserved_hours} of {CLOSES - OPENS} hours per "
        f"provider; seed {args.seed}",
        flush=True,
    )
    async with contextlib.AsyncExitStack() as stack:
        admin_url, db_kind = await postgres(stack)
        kafka, _, kafka_kind = await start_broker(stack)
        databases = ServiceDatabases(admin_url, f"bench_offline_{uuid.uuid4().hex[:10]}")
        stack.push_async_callback(databases.drop)
        settings = Settings(
            database_url=await databases("booking"),
            kafka_bootstrap_servers=kafka,
            kafka_topic_prefix=f"bench{uuid.uuid4().hex[:8]}.",
        )
        print(f"PostgreSQL: {db_kind}; broker: {kafka_kind}", flush=True)
        database_url = settings.database_url.get_secret_value()
        issuer = TokenIssuer()
        with contextlib.ExitStack() as processes:
            jwks = processes.enter_context(jwks_server(issuer.jwks()))
            url = processes.enter_context(
                service_process("booking", settings, issuer, jwks, deadline_seconds=300)
            )
            async with httpx.AsyncClient(base_url=url, timeout=60) as client:
                results = {
                    label: await one_clinic(client, issuer, database_url, args, days, hours)
                    for label, hours in (
                        ("without allotment", 0),
                        ("with allotment", args.reserved_hours),
                    )
                }
    for label, (clashes, sent) in results.items():
        print(f"conflict rate {label}: {clashes}/{sent} = {clashes / max(sent, 1):.1%}")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--providers", type=int, default=10)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--walk-ins", type=int, default=10, help="the device's bookings a day")
    parser.add_argument("--patients", type=int, default=120, help="online bookings tried a day")
    parser.add_argument("--reserved-hours", type=int, default=2, help=f"of {CLOSES - OPENS}")
    parser.add_argument("--seed", type=int, default=7)
    raise SystemExit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
