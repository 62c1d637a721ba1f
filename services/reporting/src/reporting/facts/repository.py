"""The fact table's SQL: append an event once, read the facts back in replay order."""

from __future__ import annotations

from clinic_contracts.envelope import EventEnvelope
from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.facts.models import EventFact


async def record_fact(session: AsyncSession, envelope: EventEnvelope, topic: str) -> bool:
    """Append the event to the fact table; False if it was already there.

    Positional, as the consumer calls it for events of a type this code has no model for.
    """
    recorded = await session.execute(
        insert(EventFact)
        .values(
            event_id=envelope.event_id,
            topic=topic,
            event_type=envelope.event_type,
            schema_version=envelope.schema_version,
            clinic_id=envelope.clinic_id,
            aggregate_id=envelope.aggregate_id,
            occurred_at=envelope.occurred_at,
            payload=envelope.payload,
        )
        .on_conflict_do_nothing()
        .returning(EventFact.event_id)
    )
    return recorded.first() is not None


async def facts_in_order(
    session: AsyncSession, *, cursor: str | None, limit: int
) -> Keyset[EventFact]:
    """Up to `limit` facts after `cursor`, in (occurred_at, event_id) order: a rebuild's batch."""
    return await keyset_page(
        session,
        select(EventFact),
        order=(EventFact.occurred_at, EventFact.event_id),
        cursor=cursor,
        limit=limit,
    )
