"""Kafka handlers: every topic's events land in the fact table, once."""

from clinic_contracts.envelope import EventEnvelope
from clinic_contracts.registry import TOPICS
from servicekit.runtime import ServiceRuntime
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.facts.models import EventFact


def record_fact_on(topic: str):  # type: ignore[no-untyped-def]
    """A handler that appends events of `topic` to the fact table."""

    async def record_fact(session: AsyncSession, envelope: EventEnvelope) -> None:
        session.add(
            EventFact(
                event_id=envelope.event_id,
                topic=topic,
                event_type=envelope.event_type,
                schema_version=envelope.schema_version,
                clinic_id=envelope.clinic_id,
                aggregate_id=envelope.aggregate_id,
                occurred_at=envelope.occurred_at,
                payload=envelope.payload,
            )
        )

    return record_fact


def subscribe_all(runtime: ServiceRuntime) -> None:
    """Subscribe the fact recorder to every event topic of the registry."""
    consumer = runtime.consumer()
    for topic in TOPICS:
        if topic.events:
            consumer.subscribe(topic.name, record_fact_on(topic.name))
