"""Booking under contention: many patients at once for overlapping starts of one provider.

    uv run --frozen python bench/booking_contention.py [--rounds 8] [--patients 200]
        [--processes 2]

Each round, --patients patients (each with their own token, as a patient books for
themselves) book one provider on one day at overlapping starts, 14:00, 14:05, ... 14:25 local
with a 30-minute type, all sent at once and spread over --processes `python -m booking`
processes (their database pools at the defaults). Exactly one booking can win; every other
answer should be 409. The script prints the status codes of every round and of all rounds,
the appointments each round left (always 1), how many deadlocks PostgreSQL detected in the
run's database (pg_stat_database, read once the services have stopped and flushed their
statistics), and how many transactions booking ran again (its transaction_retries_total).
A 500 or a 503 is what the retry of deadlocks and serialization failures on the booking
path is there to prevent.

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else a Docker container or the
embedded server; Kafka likewise (the services' relays publish every AppointmentBooked). The
database is a fresh one, dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
from booking_seed import apply_to_booking, clinic_events, provider_events
from harness import kafka as start_broker
from harness import postgres

TIME_ZONE = "Africa/Nairobi"
STARTS = [time(14, minute) for minute in range(0, 30, 5)]  # every start overlaps every other


async def open_clinic(database_url: str, days: list[date]) -> tuple[uuid.UUID, uuid.UUID]:
    """A clinic with one provider working 08:00-18:00 on `days`, in booking's projection."""
    clinic, provider = uuid.uuid4(), uuid.uuid4()
    events = clinic_events(clinic, "Contention", TIME_ZONE)
    events += provider_events(clinic, provider, "Dr Busy", days, (8, 18), TIME_ZONE)
    await apply_to_booking(database_url, events)
    return clinic, provider


async def new_type(url: str, clinic: uuid.UUID, admin: dict[str, str]) -> str:
    body = {
        "clinic_id": str(clinic),
        "name": "Consultation",
        "duration_minutes": 30,
        "step_minutes": 5,
    }
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        response = await client.post("/v1/appointment-types", json=body, headers=admin)
    response.raise_for_status()
    return str(response.json()["id"])


async def one_round(
    urls: list[str], bodies: list[dict[str, Any]], tokens: list[dict[str, str]]
) -> tuple[Counter[int], Counter[str]]:
    """Send every booking at once; the status codes, and the problem types other than 409."""
    # Fresh connections each round: none closed by the server's keep-alive timeout meanwhile.
    limits = httpx.Limits(max_connections=len(bodies))
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, limits=limits, timeout=120)
            )
            for url in urls
        ]
        return await _fire(clients, bodies, tokens)


async def _fire(
    clients: list[httpx.AsyncClient], bodies: list[dict[str, Any]], tokens: list[dict[str, str]]
) -> tuple[Counter[int], Counter[str]]:
    gate = asyncio.Event()
    odd: Counter[str] = Counter()

    async def book(n: int) -> int:
        await gate.wait()
        try:
            response = await clients[n % len(clients)].post(
                "/v1/appointments", json=bodies[n], headers=tokens[n]
            )
        except httpx.HTTPError as exc:
            odd[type(exc).__name__] += 1
            return 0
        if response.status_code not in (201, 409):
            odd[f"{response.status_code} {response.json().get('type', '?')}"] += 1
        return response.status_code

    tasks = [asyncio.create_task(book(n)) for n in range(len(bodies))]
    await asyncio.sleep(0.1)  # every task waiting at the gate
    gate.set()
    return Counter(await asyncio.gather(*tasks)), odd


async def appointments_on(admin_url: str, database: str, day_start: datetime) -> int:
    import asyncpg
    from servicekit.db import asyncpg_dsn

    connection = await asyncpg.connect(asyncpg_dsn(admin_url, database))
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM booking.appointments"
                " WHERE status = 'booked' AND starts_at >= $1 AND starts_at < $2",
                day_start,
                day_start + timedelta(days=1),
            )
        )
    finally:
        await connection.close()


async def deadlocks(admin_url: str, database: str) -> int:
    import asyncpg
    from servicekit.db import asyncpg_dsn

    connection = await asyncpg.connect(asyncpg_dsn(admin_url))
    try:
        return int(
            await connection.fetchval(
                "SELECT deadlocks FROM pg_stat_database WHERE datname = $1", database
            )
            or 0
        )
    finally:
        await connection.close()


async def retries_reported(urls: list[str]) -> Counter[str]:
    """transaction_retries_total of the booking processes, by reason (none before the retry)."""
    from prometheus_client.parser import text_string_to_metric_families

    found: Counter[str] = Counter()
    async with httpx.AsyncClient(timeout=30) as client:
        for url in urls:
            exposition = (await client.get(f"{url}/metrics")).text
            for family in text_string_to_metric_families(exposition):
                if family.name == "transaction_retries":
                    for sample in family.samples:
                        if sample.name.endswith("_total"):
                            found[sample.labels["reason"]] += int(sample.value)
    return found


def format_counts(counts: Counter[int]) -> str:
    return ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))


async def run(args: argparse.Namespace) -> int:
    from booking.settings import Settings
    from servicekit.auth import Membership
    from servicekit.localtime import instant, local_day, zone
    from servicekit.testing.databases import ServiceDatabases
    from servicekit.testing.issuer import TokenIssuer
    from servicekit.testing.processes import jwks_server, service_process

    tz = zone(TIME_ZONE)
    first = local_day(datetime.now(UTC), tz) + timedelta(days=2)
    days = [first + timedelta(days=n) for n in range(args.rounds)]
    total: Counter[int] = Counter()
    wrong_rounds = 0
    async with contextlib.AsyncExitStack() as stack:
        admin_url, db_kind = await postgres(stack)
        kafka, _, kafka_kind = await start_broker(stack)
        databases = ServiceDatabases(admin_url, f"bench_contention_{uuid.uuid4().hex[:10]}")
        stack.push_async_callback(databases.drop)
        settings = Settings(
            database_url=await databases("booking"),
            kafka_bootstrap_servers=kafka,
            kafka_topic_prefix=f"bench{uuid.uuid4().hex[:8]}.",
        )
        print(f"PostgreSQL: {db_kind}; broker: {kafka_kind}", flush=True)
        clinic, provider = await open_clinic(settings.database_url.get_secret_value(), days)
        issuer = TokenIssuer()
        with contextlib.ExitStack() as processes:
            jwks = processes.enter_context(jwks_server(issuer.jwks()))
            # By default a 500's stack trace is counted, not printed.
            quiet = {"LOG_LEVEL": args.service_log_level}
            urls = [
                processes.enter_context(
                    service_process("booking", settings, issuer, jwks, quiet, deadline_seconds=300)
                )
                for _ in range(args.processes)
            ]
            admin = issuer.headers(uuid.uuid4(), Membership("clinic_admin", clinic))
            type_id = await new_type(urls[0], clinic, admin)
            for n, day in enumerate(days, 1):
                bodies = [
                    {
                        "clinic_id": str(clinic),
                        "type_id": type_id,
                        "provider_id": str(provider),
                        "starts_at": instant(day, STARTS[i % len(STARTS)], tz).isoformat(),
                    }
                    for i in range(args.patients)
                ]
                tokens = [
                    issuer.headers(uuid.uuid4(), Membership("patient"))
                    for _ in range(args.patients)
                ]
                counts, odd = await one_round(urls, bodies, tokens)
                booked = await appointments_on(
                    admin_url, databases.database, instant(day, time(0), tz)
                )
                total += counts
                wrong_rounds += not (set(counts) <= {201, 409} and counts[201] == booked == 1)
                extra = f"  others: {dict(odd)}" if odd else ""
                print(f"round {n}: {format_counts(counts)}; appointments: {booked}{extra}")
            retried = await retries_reported(urls)
        # The booking processes have exited: their backends flushed their statistics.
        await asyncio.sleep(1.0)
        found = await deadlocks(admin_url, databases.database)
        print(f"all {args.rounds} rounds: {format_counts(total)}")
        print(f"rounds with anything but one 201 and 409s: {wrong_rounds}")
        print(f"deadlocks PostgreSQL detected: {found}")
        print(f"transactions run again (booking's transaction_retries_total): {dict(retried)}")
    return 1 if wrong_rounds else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--service-log-level", default="CRITICAL", help="e.g. ERROR")
    raise SystemExit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
