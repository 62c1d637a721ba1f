"""Kafka handlers: every topic's events land in the fact table once, and in the rollups."""

from __future__ import annotations

from clinic_contracts.envelope import Event, EventEnvelope
from clinic_contracts.registry import TOPICS
from servicekit.consumer import Handler
from servicekit.runtime import ServiceRuntime
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics.handlers import derive
from reporting.facts.repository import record_fact


def record_fact_on(topic: str) -> Handler:
    """A handler that appends events of `topic` to the fact table and derives the rollups."""

    async def record_and_derive(
        session: AsyncSession, event: Event, envelope: EventEnvelope
    ) -> None:
        # The fact's key guards the rollups too: an event already recorded (by another
        # consumer group, or applied by hand) is not counted a second time.
        if await record_fact(session, envelope, topic):
            await derive(session, event, envelope)

    return record_and_derive


def subscribe_all(runtime: ServiceRuntime) -> None:
    """Subscribe the fact recorder to every event topic of the registry."""
    # Facts keep even the events this code has no model for, so a later rebuild derives them.
    runtime.consumer().subscribe(
        {topic.name: record_fact_on(topic.name) for topic in TOPICS if topic.events},
        on_unknown=record_fact,
    )
