"""Audit chain verification: how long checking 100,000 entries takes, whole and per API call.

    uv run --frozen python bench/audit_verification.py [--entries 100000] [--repeats 3]
        [--page 20000] [--page 10000]

A throwaway identity database (least-privilege `identity_svc` role, migrated) gets --entries
sealed audit entries, written in bulk (COPY) rather than one transaction each: their hashes
are computed with the service's own `chain.seal`, so the chain is exactly what appends make.
Details vary in size like real entries (a reason, a list of fields, a role). Then, timed:

1. the command's path (`python -m identity verify-audit`): `verify_chain` over one REPEATABLE
   READ connection, batches of 1000;
2. the API's path (`GET /v1/audit-events/verification`): the route's use case,
   `verification.verify`, called with `limit` = each --page value (by default the route's
   maximum, 20,000, and its default, 10,000) and followed by its `next_cursor` until
   `complete`, each call in its own session as a request would be; the slowest single call
   is what must stay under the gateway's 30 s upstream timeout.

Prints best / median of --repeats for each. PostgreSQL: BENCH_DATABASE_URL, else
TEST_DATABASE_URL, else a Docker container or the embedded server (servicekit.testing.servers).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
from identity.audit.chain import ChainEntry, seal
from identity.audit.schemas import VerificationQuery
from identity.audit.verification import verify
from identity.audit.verify import verify_chain
from servicekit.auth import ORG_ADMIN, Membership, Principal
from servicekit.db import asyncpg_dsn, create_engine, session_factory
from servicekit.testing.databases import ServiceDatabases

ADMIN = Principal(user_id=uuid.uuid4(), memberships=(Membership(ORG_ADMIN),))
COLUMNS = (
    "seq",
    "occurred_at",
    "action",
    "outcome",
    "actor_id",
    "subject_id",
    "clinic_id",
    "client_address",
    "details",
    "prev_hash",
    "hash",
)


def entries(count: int) -> list[tuple[ChainEntry, str]]:
    """`count` sealed entries, one a second, of a few kinds with details of realistic size."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clinic = uuid.uuid4()
    kinds = [
        ("auth.sign_in", "success", {}),
        ("auth.sign_in", "failure", {"reason": "wrong_password"}),
        ("user.updated", "success", {"fields": ["phone", "preferred_language"]}),
        ("membership.granted", "success", {"role": "provider"}),
    ]
    raw = []
    for n in range(count):
        action, outcome, details = kinds[n % len(kinds)]
        raw.append(
            ChainEntry(
                seq=n + 1,
                occurred_at=start + timedelta(seconds=n),
                action=action,
                outcome=outcome,
                actor_id=uuid.uuid4(),
                subject_id=uuid.uuid4(),
                clinic_id=clinic if n % 3 else None,
                client_address="203.0.113.7",
                details=details,
            )
        )
    return seal(raw)


async def fill(url: str, count: int) -> None:
    """COPY the entries in as the service role, then move the sequence past them."""
    rows = [
        (
            e.seq,
            e.occurred_at,
            e.action,
            e.outcome,
            e.actor_id,
            e.subject_id,
            e.clinic_id,
            e.client_address,
            json.dumps(e.details),
            e.prev_hash,
            hash_,
        )
        for e, hash_ in entries(count)
    ]
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        # COPY is binary: jsonb's binary form is a version byte, then the text.
        await connection.set_type_codec(
            "jsonb",
            encoder=lambda v: b"\x01" + v.encode(),
            decoder=lambda b: json.loads(b[1:]),
            schema="pg_catalog",
            format="binary",
        )
        await connection.copy_records_to_table(
            "audit_events", schema_name="identity", records=rows, columns=COLUMNS
        )
        await connection.execute(
            "SELECT setval(pg_get_serial_sequence('identity.audit_events', 'seq'), $1)", count
        )
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def database() -> AsyncIterator[str]:
    """The identity role's URL of a fresh, migrated database; dropped afterwards."""
    from servicekit.testing.servers import start_postgres

    async with contextlib.AsyncExitStack() as stack:
        url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        if url:
            admin_url, kind = asyncpg_dsn(url), "env"
        else:
            server = await start_postgres()
            stack.push_async_callback(server.close)
            admin_url, kind = server.admin_url, server.kind
        databases = ServiceDatabases(admin_url, f"bench_audit_{uuid.uuid4().hex[:10]}")
        stack.push_async_callback(databases.drop)
        service_url = await databases("identity")
        print(f"database {databases.database} (PostgreSQL: {kind})", flush=True)
        yield service_url


async def command_path(url: str) -> tuple[float, int]:
    engine = create_engine(url)
    try:
        started = time.perf_counter()
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                report = await verify_chain(connection)
        assert report.intact
        return time.perf_counter() - started, report.entries
    finally:
        await engine.dispose()


async def api_path(url: str, page: int) -> tuple[float, float, int, int]:
    """Total seconds, slowest call's seconds, calls, entries checked."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    total_started, slowest, calls, checked, cursor = time.perf_counter(), 0.0, 0, 0, None
    try:
        while True:
            started = time.perf_counter()
            async with sessions() as session, session.begin():
                query = VerificationQuery(limit=page, cursor=cursor)
                result = await verify(session=session, principal=ADMIN, query=query)
            slowest = max(slowest, time.perf_counter() - started)
            calls, checked, cursor = calls + 1, checked + result.checked, result.next_cursor
            assert result.intact
            if result.complete:
                return time.perf_counter() - total_started, slowest, calls, checked
    finally:
        await engine.dispose()


async def run(count: int, repeats: int, pages: list[int]) -> None:
    async with database() as url:
        started = time.perf_counter()
        await fill(url, count)
        print(f"{count:,} sealed entries written in {time.perf_counter() - started:.1f} s")
        whole = [await command_path(url) for _ in range(repeats)]
        times = [t for t, _ in whole]
        print(
            f"command path, {whole[0][1]:,} entries: best {min(times):.2f} s, median "
            f"{statistics.median(times):.2f} s ({whole[0][1] / min(times):,.0f} entries/s)"
        )
        for page in pages:
            runs = [await api_path(url, page) for _ in range(repeats)]
            total = [r[0] for r in runs]
            slowest = [r[1] for r in runs]
            print(
                f"API path, limit {page:,}: {runs[0][2]} call(s) for {runs[0][3]:,} entries; "
                f"total best {min(total):.2f} s, median {statistics.median(total):.2f} s; "
                f"slowest call best {min(slowest):.2f} s, median {statistics.median(slowest):.2f} s"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--page", type=int, action="append")
    args = parser.parse_args()
    asyncio.run(run(args.entries, args.repeats, args.page or [20_000, 10_000]))


if __name__ == "__main__":
    main()
