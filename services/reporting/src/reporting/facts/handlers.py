"""Kafka handlers: every topic's events land in the fact table once, and in the rollups."""

from __future__ import annotations

from clinic_contracts.envelope import EventEnvelope
from clinic_contracts.registry import TOPICS
from servicekit.consumer import Handler
from servicekit.runtime import ServiceRuntime
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics.derive import derive
from reporting.facts.models import EventFact


async def record_fact(session: AsyncSession, envelope: EventEnvelope, topic: str) -> bool:
    """Append the event to the fact table; False if it was already there."""
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


def record_fact_on(topic: str) -> Handler:
    """A handler that appends events of `topic` to the fact table and derives the rollups."""

    async def record_and_derive(session: AsyncSession, envelope: EventEnvelope) -> None:
        # The fact's key guards the rollups too: an event already recorded (by another
        # consumer group, or applied by hand) is not counted a second time.
        if await record_fact(session, envelope, topic):
            await derive(session, envelope)

    return record_and_derive


def subscribe_all(runtime: ServiceRuntime) -> None:
    """Subscribe the fact recorder to every event topic of the registry."""
    runtime.consumer().subscribe(
        {topic.name: record_fact_on(topic.name) for topic in TOPICS if topic.events}
    )
