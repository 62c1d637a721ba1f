"""`python -m identity verify-audit`: walk the hash chain and report the first broken link."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine

from identity.audit import repository
from identity.audit.chain import ChainReport, ChainWalk
from identity.settings import Settings

BATCH_SIZE = 1000


async def verify_chain(
    connection: AsyncConnection | AsyncSession, *, batch_size: int = BATCH_SIZE
) -> ChainReport:
    """Walk the whole chain in `seq` order, in batches, up to the first broken link."""
    chain = ChainWalk()
    while chain.broken is None:
        batch = await repository.chain_batch(connection, after_seq=chain.last_seq, size=batch_size)
        for entry, stored_hash in batch:
            if chain.feed(entry, stored_hash) is not None:
                break
        if len(batch) < batch_size:
            break
    return chain.report()


def describe(report: ChainReport) -> str:
    """What the command prints: the verdict, then the newest entry to record elsewhere."""
    if report.broken is None:
        verdict = f"audit chain intact: {report.entries} entries"
        if report.newest_seq is None:
            return verdict
        return f"{verdict}\nnewest entry: seq {report.newest_seq}, hash {report.newest_hash}"
    broken = report.broken
    return f"audit chain broken at seq {broken.seq} ({broken.reason}): {broken.message}"


async def _verify(database_url: str) -> ChainReport:
    engine = create_async_engine(database_url)
    try:
        # One snapshot for the whole walk: entries committed meanwhile are left for next time.
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                return await verify_chain(connection)
    finally:
        await engine.dispose()


def main(argv: list[str]) -> int:
    """Verify the chain in IDENTITY_DATABASE_URL: exit 0 intact, 1 broken, 2 unreadable."""
    parser = argparse.ArgumentParser(
        prog="python -m identity verify-audit",
        description="Check the audit log's hash chain and report its first broken link.",
    )
    parser.parse_args(argv)
    try:
        report = asyncio.run(_verify(Settings().database_url.get_secret_value()))
    except (OSError, SQLAlchemyError) as exc:
        # Exit 2, not 1: "could not check" must not read as "tampered" to whoever alerts on it.
        print(f"audit chain not verified: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(describe(report))
    return 0 if report.intact else 1
