"""Reporting freshness (p50/p99): booking's commit of an AppointmentBooked to reporting's rollup.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        uv run --frozen python bench/reporting_freshness.py [--rate 50] [--seconds 20]
        [--warmup 3]

Booking's side is staged as booking does it: an AppointmentBooked written to booking's outbox
(`booking.db.outbox.stage`) in its own transaction, at --rate events per second; the commit
time is taken when the commit returns. Booking's relay (servicekit's OutboxRelay, as
`python -m booking` runs it) publishes from this process; `python -m reporting` consumes in its
own process, as the local stack runs it. The bench polls reporting's appointment projection
every 5 ms: the appointment's row and its rollup change commit in one transaction, so the
first time the row is seen is when the rollup was updated (5 ms resolution).

Target: p99 < 2 s. PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else a Docker
container or the embedded server; Kafka likewise (BENCH_KAFKA_BOOTSTRAP_SERVERS, ...,
embedded Tansu). The database is a fresh one, dropped at the end; the processes are stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from harness import kafka, percentile_ms, postgres, start, wait_ready

TARGET_MS = 2000.0
POLL_SECONDS = 0.005


def booked_event(clinic_id: uuid.UUID) -> object:
    from clinic_contracts.booking import AppointmentBooked

    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    return AppointmentBooked(
        appointment_id=uuid.uuid4(),
        clinic_id=clinic_id,
        patient_id=uuid.uuid4(),
        provider_id=uuid.uuid4(),
        type_id=uuid.uuid4(),
        type_name="Consultation",
        status="booked",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=20),
        time_zone="Africa/Nairobi",
        booked_by="patient",
    )


async def book_steadily(runtime: object, rate: float, seconds: float) -> dict[uuid.UUID, float]:
    """Stage and commit AppointmentBooked at `rate`/s; each appointment's commit time."""
    from booking.db import outbox

    committed: dict[uuid.UUID, float] = {}
    clinic = uuid.uuid4()
    started = time.perf_counter()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        event = booked_event(clinic)
        async with runtime.sessions() as session, session.begin():  # type: ignore[attr-defined]
            await outbox.stage(session, event)  # type: ignore[arg-type]
        committed[event.appointment_id] = time.perf_counter()  # type: ignore[attr-defined]
    return committed


async def watch_rollups(dsn: str, seen: dict[uuid.UUID, float], stop: asyncio.Event) -> None:
    """Note when each appointment first shows in reporting's projection."""
    connection = await asyncpg.connect(dsn)
    try:
        while not stop.is_set():
            rows = await connection.fetch("SELECT id FROM reporting.appointments")
            now = time.perf_counter()
            for row in rows:
                seen.setdefault(row["id"], now)
            await asyncio.sleep(POLL_SECONDS)
    finally:
        await connection.close()


async def main(args: argparse.Namespace) -> None:
    import booking
    import reporting
    from booking.db import outbox
    from booking.settings import Settings as BookingSettings
    from servicekit.db import asyncpg_dsn
    from servicekit.local.processes import free_port
    from servicekit.migrations import upgrade
    from servicekit.provision import drop_database, provision
    from servicekit.runtime import ServiceRuntime, running

    async with contextlib.AsyncExitStack() as stack:
        admin, pg_kind = await postgres(stack)
        bootstrap, idempotent, kafka_kind = await kafka(stack)
        database = f"bench_freshness_{secrets.token_hex(4)}"
        passwords = {name: secrets.token_urlsafe(16) for name in ("booking", "reporting")}
        urls = await provision(admin, database, passwords)
        stack.push_async_callback(drop_database, admin, database)
        for module in (booking, reporting):
            migrations = Path(module.__file__ or "").parent / "migrations"
            await asyncio.to_thread(upgrade, migrations, urls[module.__name__])
        prefix = f"b{secrets.token_hex(3)}."
        common = {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "KAFKA_ENABLE_IDEMPOTENCE": str(idempotent).lower(),
            "KAFKA_TOPIC_PREFIX": prefix,
            "LOG_LEVEL": "WARNING",
        }
        port = free_port()
        env = (
            os.environ
            | common
            | {
                "REPORTING_DATABASE_URL": urls["reporting"],
                "REPORTING_PORT": str(port),
            }
        )
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        process = await start(stack, "reporting", env, logs)
        await wait_ready("reporting", f"http://127.0.0.1:{port}", process, logs / "reporting.log")
        settings = BookingSettings(
            database_url=urls["booking"],
            kafka_bootstrap_servers=bootstrap,
            kafka_enable_idempotence=idempotent,
            kafka_topic_prefix=prefix,
        )
        runtime = await stack.enter_async_context(running(ServiceRuntime(settings, outbox)))
        await runtime.connector.connected.wait()
        print(f"PostgreSQL: {pg_kind}; Kafka: {kafka_kind}; {args.rate:.0f} bookings/s")
        seen: dict[uuid.UUID, float] = {}
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_rollups(asyncpg_dsn(admin, database), seen, stop))
        await book_steadily(runtime, args.rate, args.warmup)
        committed = await book_steadily(runtime, args.rate, args.seconds)
        deadline = time.perf_counter() + 30
        while not committed.keys() <= seen.keys() and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        stop.set()
        await watcher
        lags = [round((seen[a] - t) * 1e6) for a, t in committed.items() if a in seen]
        missing = len(committed) - len(lags)
        p50, p99 = percentile_ms(lags, 0.5), percentile_ms(lags, 0.99)
        verdict = "meets" if p99 < TARGET_MS else "MISSES"
        print(
            f"freshness over {len(lags)} bookings: p50 {p50:.0f} ms  p99 {p99:.0f} ms"
            f"  max {max(lags) / 1000:.0f} ms  ({verdict} the {TARGET_MS:.0f} ms target)"
            + (f"; {missing} never arrived" if missing else "")
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    asyncio.run(main(parser.parse_args()))
