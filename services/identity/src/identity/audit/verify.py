"""`python -m identity verify-audit`: walk the hash chain and report the first broken link."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine

from identity.audit import repository
from identity.audit.chain import ChainReport, ChainWalk
from identity.settings import Settings

BATCH_SIZE = 1000


@dataclass(frozen=True)
class Walked:
    """A walk over part of the chain: what it found, and whether it reached the newest entry."""

    report: ChainReport
    reached_end: bool


async def walk_chain(
    connection: AsyncConnection | AsyncSession,
    *,
    start: ChainWalk | None = None,
    limit: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> Walked:
    """Check up to `limit` entries in `seq` order after `start` (the chain's beginning if None),
    in batches, stopping at the first broken link."""
    chain = start or ChainWalk()
    remaining = limit
    while chain.broken is None and (remaining is None or remaining > 0):
        size = batch_size if remaining is None else min(batch_size, remaining)
        batch = await repository.chain_batch(connection, after_seq=chain.last_seq, size=size)
        for entry, stored_hash in batch:
            if chain.feed(entry, stored_hash) is not None:
                break
        if remaining is not None:
            remaining -= len(batch)
        if len(batch) < size:
            return Walked(chain.report(), reached_end=chain.broken is None)
    if chain.broken is not None:
        return Walked(chain.report(), reached_end=False)
    # The limit ran out: look one entry ahead, so a caller is not sent back for nothing.
    ahead = await repository.chain_batch(connection, after_seq=chain.last_seq, size=1)
    return Walked(chain.report(), reached_end=not ahead)


async def verify_chain(
    connection: AsyncConnection | AsyncSession, *, batch_size: int = BATCH_SIZE
) -> ChainReport:
    """Walk the whole chain in `seq` order, in batches, up to the first broken link."""
    return (await walk_chain(connection, batch_size=batch_size)).report


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
