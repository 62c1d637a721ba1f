"""The dispatcher's claim query on a year of messages: its plan and its time.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        uv run --frozen python bench/notify_claim_plan.py [--final 1000000] [--ahead 60000]

A network sending about 3,000 messages a day keeps a year of them: --final rows already sent,
delivered, cancelled or failed, --ahead reminders planned over the next 30 days, and what is
pending right now (500 due, 300 retries waiting out their backoff, 150 sends under a lease and
50 whose lease has lapsed), written straight into notify's tables of a fresh database and
ANALYZEd. Prints EXPLAIN (ANALYZE, BUFFERS) of the statement the dispatcher runs
(`notify.messages.dispatch.claim_query`, as asyncpg sends it: every value a parameter), with
the plan PostgreSQL makes for the values (custom) and the one it may cache after five runs
(generic), and of the query that decides how long to sleep. Nothing is asserted.

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the embedded server. The database
is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import harness

BENCH_DATABASE = "bench_notify_plan"
NOTIFY = Path(__file__).resolve().parent.parent / "services/notify/src/notify/migrations"

# One statement per kind of row; $1 is now. Ids are random; nobody joins on them here.
SEED = {
    "final": """
        INSERT INTO notify.messages (id, appointment_id, clinic_id, patient_id, kind, nominal_at,
            due_at, next_attempt_at, status, attempts, sent_at, created_at)
        SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(),
            'reminder', t, t, t + interval '2 seconds',
            (ARRAY['sent', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered',
                   'delivered', 'cancelled', 'failed', 'skipped'])[1 + i % 10], 1,
            t + interval '3 seconds', t - interval '1 day'
        FROM generate_series(1, $2::int) AS i,
             LATERAL (SELECT $1::timestamptz - (i * interval '365 days') / $2::int AS t) AS at
    """,
    "ahead": """
        INSERT INTO notify.messages (id, appointment_id, clinic_id, patient_id, kind, nominal_at,
            due_at, next_attempt_at, status, created_at)
        SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(),
            'reminder', t, t, t, 'scheduled', $1
        FROM generate_series(1, $2::int) AS i,
             LATERAL (SELECT $1::timestamptz + (i * interval '30 days') / $2::int AS t) AS at
    """,
    "due": """
        INSERT INTO notify.messages (id, appointment_id, clinic_id, patient_id, kind, nominal_at,
            due_at, next_attempt_at, status, attempts, created_at)
        SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(),
            'confirmation', t, t, t + next, status, attempts, t
        FROM (VALUES (500, interval '0', 'scheduled', 0),
                     (300, interval '10 minutes', 'scheduled', 1),
                     (150, interval '1 minute', 'sending', 1),
                     (50, interval '-1 minute', 'sending', 1)) AS v(n, next, status, attempts),
             generate_series(1, n) AS i,
             LATERAL (SELECT $1::timestamptz - i * interval '1 second' AS t) AS at
    """,
}


async def seed(connection: Any, now: datetime, final: int, ahead: int) -> None:
    await connection.execute(SEED["final"], now, final)
    await connection.execute(SEED["ahead"], now, ahead)
    await connection.execute(SEED["due"], now)
    await connection.execute("ANALYZE notify.messages")


def as_sent(statement: Any) -> tuple[str, list[Any]]:
    """The SQL and parameters asyncpg is given for a SQLAlchemy statement."""
    from sqlalchemy.dialects.postgresql.asyncpg import dialect

    compiled = statement.compile(dialect=dialect(), compile_kwargs={"render_postcompile": True})
    return str(compiled), [compiled.params[name] for name in compiled.positiontup or ()]


def literal(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text.replace("'", "''") + "'"


async def explain(connection: Any, name: str, statement: Any) -> None:
    sql, params = as_sent(statement)
    await connection.execute(f"PREPARE {name} AS {sql}")
    # EXPLAIN EXECUTE takes no bind parameters: the values are written in.
    arguments = f"({', '.join(literal(value) for value in params)})" if params else ""
    for mode in ("force_custom_plan", "force_generic_plan"):
        async with connection.transaction():  # FOR UPDATE locks rows: let them go again
            await connection.execute(f"SET LOCAL plan_cache_mode = {mode}")
            rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE {name}{arguments}")
        print(f"--- {name}, {mode.split('_')[1]} plan")
        print("\n".join(row[0] for row in rows))


async def main(final: int, ahead: int) -> None:
    import asyncpg
    from notify.messages.repository import claim_query, next_attempt_query
    from notify.settings import Settings
    from servicekit.db import asyncpg_dsn
    from servicekit.migrations import upgrade
    from servicekit.provision import drop_database, provision

    async with contextlib.AsyncExitStack() as stack:
        admin, kind = await harness.postgres(stack)
        url = (await provision(admin, BENCH_DATABASE, {"notify": "bench-notify-pw-1"}))["notify"]
        stack.push_async_callback(drop_database, admin, BENCH_DATABASE)
        await asyncio.to_thread(upgrade, NOTIFY, url)
        connection = await asyncpg.connect(asyncpg_dsn(url))
        stack.push_async_callback(connection.close)
        now = datetime.now(UTC)
        await seed(connection, now, final, ahead)
        count = await connection.fetchval("SELECT count(*) FROM notify.messages")
        print(f"PostgreSQL: {kind}; notify.messages: {count:,} rows")
        batch = Settings.model_fields["dispatch_batch"].default
        await explain(connection, "claim", claim_query(now, batch))
        await explain(connection, "next_due", next_attempt_query())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--final", type=int, default=1_000_000)
    parser.add_argument("--ahead", type=int, default=60_000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.final, arguments.ahead))
