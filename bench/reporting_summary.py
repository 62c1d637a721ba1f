"""Summary query time (p50/p99) over a year of rollups, for one clinic of 20.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        uv run --frozen python bench/reporting_summary.py [--clinics 20] [--providers 10]
        [--types 4] [--requests 200]

Seeds a year (365 local days) of `reporting.daily_rollups` for --clinics clinics with
--providers providers and --types appointment types each (every provider, type and day a row:
20 x 365 x 10 x 4 = 292,000 rows) and the providers' `daily_shift_minutes`, by COPY, then
analyses the tables. `python -m reporting` serves the API (as the local stack runs it) with a
test issuer's JWKS; the bench, as that clinic's admin, times `GET /v1/reports/summary` for one
clinic over the year by day (365 rows), ISO week and month, --requests times each, one at a
time (a query's own latency, no queueing).

Target: p99 < 200 ms. PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else a Docker
container or the embedded server. The database is a fresh one, dropped at the end. No broker
is needed: the service's Kafka connection keeps retrying in the background, unused.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import httpx
from harness import percentile_ms, postgres, start

FIRST_DAY = date(2025, 1, 1)
DAYS = 365
TARGET_MS = 200.0


async def seed(dsn: str, clinics: list[uuid.UUID], providers: int, types: int) -> int:
    """Rollups and shift minutes for every clinic, provider, type and day; the row count."""
    rng = random.Random(7)
    connection = await asyncpg.connect(dsn)
    rows = 0
    try:
        for clinic in clinics:
            staff = [uuid.uuid4() for _ in range(providers)]
            kinds = [uuid.uuid4() for _ in range(types)]
            days = [FIRST_DAY + timedelta(days=n) for n in range(DAYS)]
            rollups = [
                (clinic, day, p, t, *_counters(rng)) for day in days for p in staff for t in kinds
            ]
            await connection.copy_records_to_table(
                "daily_rollups", schema_name="reporting", records=rollups, columns=ROLLUP_COLUMNS
            )
            shifts = [(clinic, day, p, 480) for day in days for p in staff]
            await connection.copy_records_to_table(
                "daily_shift_minutes",
                schema_name="reporting",
                records=shifts,
                columns=("clinic_id", "day", "provider_id", "minutes"),
            )
            rows += len(rollups)
        await connection.execute("ANALYZE reporting.daily_rollups")
        await connection.execute("ANALYZE reporting.daily_shift_minutes")
    finally:
        await connection.close()
    return rows


ROLLUP_COLUMNS = (
    "clinic_id", "day", "provider_id", "type_id", "booked", "cancelled", "cancelled_by_patient",
    "completed", "no_shows", "booked_minutes", "lead_time_seconds", "lead_time_visits",
    "reminders", "reminders_delivered",
)  # fmt: skip


def _counters(rng: random.Random) -> tuple[int, ...]:
    booked = rng.randint(0, 4)
    cancelled = rng.randint(0, booked)
    no_shows = rng.randint(0, booked - cancelled)
    visits = booked - cancelled
    return (
        booked, cancelled, cancelled, visits - no_shows, no_shows, 20 * visits,
        visits * rng.randint(3600, 7 * 86400), visits, visits, rng.randint(0, visits),
    )  # fmt: skip


async def wait_healthy(base: str, process: object, log: Path) -> None:
    """Until /healthz answers (readiness would wait for a broker this bench does not start)."""
    async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
        for _ in range(450):
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            if process.poll() is not None:
                raise SystemExit(f"reporting exited; see {log}")
            await asyncio.sleep(0.2)
    raise SystemExit(f"reporting did not start; see {log}")


async def time_summaries(base: str, headers: dict[str, str], clinic: uuid.UUID, n: int) -> None:
    async with httpx.AsyncClient(base_url=base, headers=headers, trust_env=False) as client:
        for period in ("day", "week", "month"):
            params = {
                "clinic": str(clinic),
                "period": period,
                "from": str(FIRST_DAY),
                "to": str(FIRST_DAY + timedelta(days=DAYS - 1)),
            }
            latencies = []
            for attempt in range(n + 10):  # the first 10 warm the caches and are not counted
                started = time.perf_counter()
                response = await client.get("/v1/reports/summary", params=params)
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.text
                if attempt >= 10:
                    latencies.append(round(elapsed * 1e6))
            rows = len(response.json()["rows"])
            p50, p99 = percentile_ms(latencies, 0.5), percentile_ms(latencies, 0.99)
            verdict = "meets" if p99 < TARGET_MS else "MISSES"
            print(
                f"summary by {period:5} ({rows:3} rows): p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
                f"  ({verdict} the {TARGET_MS:.0f} ms target)"
            )


async def main(args: argparse.Namespace) -> None:
    import reporting
    from servicekit.auth import Membership
    from servicekit.local.processes import free_port
    from servicekit.migrations import upgrade
    from servicekit.provision import drop_database, provision
    from servicekit.testing.issuer import TokenIssuer
    from servicekit.testing.processes import jwks_server

    async with contextlib.AsyncExitStack() as stack:
        admin, kind = await postgres(stack)
        database = f"bench_reporting_{secrets.token_hex(4)}"
        urls = await provision(admin, database, {"reporting": secrets.token_urlsafe(16)})
        stack.push_async_callback(drop_database, admin, database)
        migrations = Path(reporting.__file__).parent / "migrations"
        await asyncio.to_thread(upgrade, migrations, urls["reporting"])
        clinics = [uuid.uuid4() for _ in range(args.clinics)]
        started = time.perf_counter()
        rows = await seed(_target(admin, database), clinics, args.providers, args.types)
        seconds = time.perf_counter() - started
        print(f"PostgreSQL: {kind}; seeded {rows:,} rollup rows in {seconds:.1f} s")
        issuer = TokenIssuer()
        jwks = stack.enter_context(jwks_server(issuer.jwks()))
        port = free_port()
        env = os.environ | {
            "REPORTING_DATABASE_URL": urls["reporting"],
            "REPORTING_PORT": str(port),
            "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",  # none: not used here
            "JWKS_URL": jwks,
            "JWT_ISSUER": issuer.issuer,
            "JWT_AUDIENCE": issuer.audience,
            "LOG_LEVEL": "ERROR",
        }
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        process = await start(stack, "reporting", env, logs)
        base = f"http://127.0.0.1:{port}"
        await wait_healthy(base, process, logs / "reporting.log")
        headers = issuer.headers(uuid.uuid4(), Membership("clinic_admin", clinics[0]))
        await time_summaries(base, headers, clinics[0], args.requests)


def _target(admin: str, database: str) -> str:
    from servicekit.db import asyncpg_dsn

    return asyncpg_dsn(admin, database)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clinics", type=int, default=20)
    parser.add_argument("--providers", type=int, default=10)
    parser.add_argument("--types", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
