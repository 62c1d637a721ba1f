"""Consumer lag is measured on the real broker: unconsumed messages count, applied ones do not."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiokafka import AIOKafkaProducer
from clinic_contracts.envelope import Event, EventEnvelope, encode, new_envelope
from prometheus_client import REGISTRY
from servicekit.broker import make_broker
from servicekit.consumer import IdempotentConsumer
from servicekit.lag import ConsumerLagSampler
from servicekit.runtime import ServiceRuntime, running
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import KitSettings, clinic_event, ledger, outbox, wait_for

TOPIC = "clinic.identity.v1"
Publish = Callable[[int], Awaitable[None]]


def lag_of(group: str, service: str = "kittest") -> float | None:
    return REGISTRY.get_sample_value(
        "consumer_lag_messages", {"service": service, "group": group, "topic": TOPIC}
    )


async def record(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
    await session.execute(insert(ledger).values(event_id=envelope.event_id, note="applied"))


async def ledger_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ledger)) or 0)


@pytest.fixture
async def publish(settings: KitSettings) -> AsyncIterator[Publish]:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()

    async def send(count: int) -> None:
        for index in range(count):
            envelope = new_envelope(clinic_event(f"clinic {index}"), producer="kittest")
            # Different keys spread the messages over the topic's partitions.
            await producer.send_and_wait(settings.topic(TOPIC), encode(envelope), key=b"%d" % index)

    yield send
    await producer.stop()


async def test_lag_counts_unconsumed_messages_and_drops_to_zero_once_applied(
    settings: KitSettings, sessions: async_sessionmaker[AsyncSession], publish: Publish
) -> None:
    group = f"kittest-lag-{uuid.uuid4().hex[:6]}"
    sampler = ConsumerLagSampler(
        settings.kafka_bootstrap_servers,
        service="kittest",
        subscriptions=[(group, TOPIC)],
        topic_prefix=settings.kafka_topic_prefix,
    )
    await publish(5)
    await sampler.sample()
    assert lag_of(group) == 5  # the group has committed nothing: all five are waiting

    broker = make_broker(settings, client_id="kittest")
    consumer = IdempotentConsumer(
        broker, sessions, outbox, group=group, topic_prefix=settings.kafka_topic_prefix
    )
    consumer.subscribe({TOPIC: record})
    await broker.start()
    try:
        assert await wait_for(lambda: _equals(ledger_count(sessions), 5))

        async def caught_up() -> bool:
            await sampler.sample()
            return lag_of(group) == 0

        assert await wait_for(caught_up, interval=0.2)
        await publish(2)
        await sampler.sample()
        # The consumer is live, so the two may already be applied; never more than two wait.
        assert (lag_of(group) or 0) <= 2
    finally:
        await broker.stop()


async def _equals(count: Awaitable[int], expected: int) -> bool:
    return await count == expected


async def test_a_consuming_service_samples_its_lag_at_the_configured_interval(
    settings: KitSettings,
    kit_database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    publish: Publish,
) -> None:
    # `sessions` empties the ledger this test counts.
    runtime = ServiceRuntime(
        KitSettings(
            database_url=kit_database_url,
            kafka_bootstrap_servers=settings.kafka_bootstrap_servers,
            kafka_topic_prefix=settings.kafka_topic_prefix,
            consumer_lag_interval_seconds=0.1,
        ),
        outbox,
    )
    runtime.consumer("lag").subscribe({TOPIC: record})
    # Dead letters are exported at 0 from the start, so increase() sees the first one.
    assert (
        REGISTRY.get_sample_value(
            "consumer_dead_letters_total",
            {"service": "kittest", "group": "kittest.lag", "topic": TOPIC},
        )
        == 0
    )
    await publish(3)
    async with running(runtime):
        assert await wait_for(lambda: _equals(ledger_count(runtime.sessions), 3))
        assert await wait_for(lambda: _is_zero(lag_of("kittest.lag")), interval=0.1)


async def _is_zero(value: float | None) -> bool:
    return value == 0


async def test_a_failed_sample_is_only_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    sampler = ConsumerLagSampler(
        "127.0.0.1:1", service="kittest", subscriptions=[("nobody", TOPIC)], interval=0.05
    )
    with caplog.at_level(logging.WARNING, logger="servicekit.lag"):
        task = asyncio.create_task(sampler.run())
        await wait_for(lambda: _is_true("could not sample consumer lag" in caplog.text))
        assert not task.done()  # it keeps sampling
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert "could not sample consumer lag of kittest" in caplog.text


async def _is_true(value: bool) -> bool:
    return value
