"""`python -m reporting rebuild`: empty every derived table and replay the facts through `derive`.

It runs as one transaction. TRUNCATE locks the derived tables, so a consumer applying a new
event meanwhile waits, then adds its change on top of the rebuilt figures: nothing is lost
or counted twice, and readers see the old figures until the new ones commit.
"""

from __future__ import annotations

import logging
import time

from clinic_contracts.envelope import EventEnvelope
from servicekit.consumer import deliver
from servicekit.db import create_engine, session_factory
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reporting.analytics.handlers import replay
from reporting.analytics.repository import empty_derived_tables
from reporting.facts.models import EventFact
from reporting.facts.repository import facts_in_order
from reporting.settings import Settings

log = logging.getLogger(__name__)


async def rebuild_from_settings(settings: Settings) -> int:
    """Rebuild against the configured database; prints what it did, returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    engine = create_engine(settings.database_url.get_secret_value(), pool_size=1)
    started = time.monotonic()
    try:
        replayed = await rebuild(session_factory(engine), settings.rebuild_batch_size)
    finally:
        await engine.dispose()
    print(f"rebuilt the rollups from {replayed} facts in {time.monotonic() - started:.1f} s")
    return 0


async def rebuild(sessions: async_sessionmaker[AsyncSession], batch_size: int = 1000) -> int:
    """Recompute the projections and rollups from the facts; the number of facts replayed."""
    async with sessions() as session, session.begin():
        await empty_derived_tables(session)
        replayed, cursor = 0, None
        while True:
            batch = await facts_in_order(session, cursor=cursor, limit=batch_size)
            if not batch.items:
                break
            for fact in batch.items:
                # A type newer than this code stays a fact until a rebuild by code that knows it.
                await deliver(replay, session, _envelope(fact))
            replayed += len(batch.items)
            await session.flush()
            session.expunge_all()  # keep memory flat over millions of facts
            log.info("rebuild: %d facts replayed", replayed)
            if (cursor := batch.next_cursor) is None:
                break
    return replayed


def _envelope(fact: EventFact) -> EventEnvelope:
    return EventEnvelope(
        event_id=fact.event_id,
        event_type=fact.event_type,
        schema_version=fact.schema_version,
        occurred_at=fact.occurred_at,
        producer="reporting-rebuild",
        clinic_id=fact.clinic_id,
        aggregate_id=fact.aggregate_id,
        payload=fact.payload,
    )
