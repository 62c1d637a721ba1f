"""Rebuild: empty every derived table and replay the fact table through `derive`.

It runs as one transaction. TRUNCATE locks the derived tables, so a consumer applying a new
event meanwhile waits, then adds its change on top of the rebuilt figures: nothing is lost
or counted twice, and readers see the old figures until the new ones commit.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from clinic_contracts.envelope import EventEnvelope
from sqlalchemy import select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reporting.analytics.derive import derive
from reporting.analytics.models import (
    Appointment,
    Clinic,
    DailyConflicts,
    DailyRollup,
    DailyShiftMinutes,
    OfflineConflict,
    Reminder,
    Shift,
)
from reporting.facts.models import EventFact

log = logging.getLogger(__name__)
DERIVED = (
    Clinic,
    Appointment,
    Reminder,
    Shift,
    OfflineConflict,
    DailyRollup,
    DailyShiftMinutes,
    DailyConflicts,
)


async def rebuild(sessions: async_sessionmaker[AsyncSession], batch_size: int = 1000) -> int:
    """Recompute the projections and rollups from the facts; the number of facts replayed."""
    async with sessions() as session, session.begin():
        tables = ", ".join(f"{m.__table__.schema}.{m.__tablename__}" for m in DERIVED)
        await session.execute(text(f"TRUNCATE {tables}"))
        replayed = 0
        after: tuple[datetime, UUID] | None = None
        while facts := await _next_facts(session, after, batch_size):
            for fact in facts:
                await derive(session, _envelope(fact), live=False)
            replayed += len(facts)
            after = (facts[-1].occurred_at, facts[-1].event_id)
            await session.flush()
            session.expunge_all()  # keep memory flat over millions of facts
            log.info("rebuild: %d facts replayed", replayed)
    return replayed


async def _next_facts(
    session: AsyncSession, after: tuple[datetime, UUID] | None, limit: int
) -> list[EventFact]:
    query = select(EventFact).order_by(EventFact.occurred_at, EventFact.event_id).limit(limit)
    if after is not None:
        query = query.where(tuple_(EventFact.occurred_at, EventFact.event_id) > tuple_(*after))
    return list(await session.scalars(query))


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
