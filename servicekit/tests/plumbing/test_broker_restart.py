"""A consumer copes with a broker that restarts empty (topics and offsets gone)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest
from aiokafka import AIOKafkaProducer
from clinic_contracts.envelope import Event, EventEnvelope, encode, new_envelope
from servicekit.broker import make_broker
from servicekit.consumer import IdempotentConsumer
from servicekit.kafka_admin import ensure_topics
from servicekit.local.processes import free_port
from servicekit.local.tansu import TansuBroker
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import KitSettings, clinic_event, ledger, outbox, wait_for

TOPIC = "clinic.identity.v1"


async def test_consumer_resumes_on_a_recreated_topic(
    kit_database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tansu = TansuBroker(free_port())
    await tansu.start()
    settings = KitSettings(
        database_url=kit_database_url,
        kafka_bootstrap_servers=tansu.bootstrap_servers,
        consumer_retry_backoff_seconds=0.01,
    )
    topics = [(TOPIC, 6), ("clinic.deadletter.v1", 1)]
    await ensure_topics(tansu.bootstrap_servers, topics)

    async def record(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
        await session.execute(insert(ledger).values(event_id=envelope.event_id, note="x"))

    broker = make_broker(settings, client_id="kittest")
    IdempotentConsumer(broker, sessions, outbox, group="restart").subscribe({TOPIC: record})
    await broker.start()

    async def produce(count: int) -> list[uuid.UUID]:
        producer = AIOKafkaProducer(bootstrap_servers=tansu.bootstrap_servers)
        await producer.start()
        envelopes = [new_envelope(clinic_event(), producer="kittest") for _ in range(count)]
        for envelope in envelopes:
            await producer.send_and_wait(
                TOPIC, encode(envelope), key=envelope.aggregate_id.encode()
            )
        await producer.stop()
        return [e.event_id for e in envelopes]

    async def applied() -> set[uuid.UUID]:
        async with sessions() as session:
            return set((await session.execute(select(ledger.c.event_id))).scalars())

    try:
        first = await produce(12)
        assert await wait_for(lambda: _has(applied, first))
        await tansu.stop()
        await tansu.start()  # empty: no topics, no groups, no offsets
        await ensure_topics(tansu.bootstrap_servers, topics)
        second = await produce(12)
        # Rejoining a restarted broker takes several group rebalances; slow on a busy machine.
        assert await wait_for(lambda: _has(applied, second), deadline=150)
    finally:
        await broker.stop()
        await tansu.stop()


async def _has(applied: Callable[[], Awaitable[set[uuid.UUID]]], ids: list[uuid.UUID]) -> bool:
    return set(ids) <= await applied()


pytestmark = pytest.mark.timeout(240)
