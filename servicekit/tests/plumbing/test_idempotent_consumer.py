"""Idempotent consumers: once per event, bounded retries, dead letters, no lost messages."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from clinic_contracts.deadletter import decode_dead_letter
from clinic_contracts.envelope import Event, EventEnvelope, encode, new_envelope
from faststream.kafka import KafkaBroker
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import KitSettings, clinic_event, consumer_for, ledger, outbox, read_topic, wait_for

TOPIC = "clinic.identity.v1"


async def record(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
    await session.execute(insert(ledger).values(event_id=envelope.event_id, note="applied"))


def envelope_of(name: str = "Kibera") -> EventEnvelope:
    return new_envelope(clinic_event(name), producer="kittest")


async def ledger_rows(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[uuid.UUID, str]]:
    async with sessions() as session:
        rows = await session.execute(select(ledger.c.event_id, ledger.c.note))
        return [tuple(row) for row in rows]


async def send(
    producer: AIOKafkaProducer, settings: KitSettings, payload: bytes, key: bytes = b"k"
) -> None:
    await producer.send_and_wait(settings.topic(TOPIC), payload, key=key)


async def test_a_redelivered_event_is_applied_once(
    broker: KafkaBroker,
    producer: AIOKafkaProducer,
    sessions: async_sessionmaker[AsyncSession],
    settings: KitSettings,
) -> None:
    consumer_for(broker, sessions, settings).subscribe({TOPIC: record})
    await broker.start()
    first, second = envelope_of("a"), envelope_of("b")
    for payload in (encode(first), encode(first), encode(second), encode(first)):
        await send(producer, settings, payload)

    async def both_applied() -> bool:
        return len(await ledger_rows(sessions)) >= 2

    assert await wait_for(both_applied)
    assert await wait_for(lambda: _processed(sessions, 2))
    assert sorted(e for e, _ in await ledger_rows(sessions)) == sorted(
        [first.event_id, second.event_id]
    )


async def _processed(sessions: async_sessionmaker[AsyncSession], count: int) -> bool:
    async with sessions() as session:
        value: int | None = await session.scalar(select(func.count()).select_from(outbox.processed))
    return value == count


async def test_a_failing_handler_is_retried_then_applied_once(
    broker: KafkaBroker,
    producer: AIOKafkaProducer,
    sessions: async_sessionmaker[AsyncSession],
    settings: KitSettings,
) -> None:
    failures = {"left": 2}

    async def flaky(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
        await record(session, event, envelope)
        if failures["left"]:
            failures["left"] -= 1
            raise ValueError("not yet")

    consumer_for(broker, sessions, settings).subscribe({TOPIC: flaky})
    await broker.start()
    envelope = envelope_of()
    await send(producer, settings, encode(envelope))

    async def applied() -> bool:
        return len(await ledger_rows(sessions)) == 1

    assert await wait_for(applied)
    assert failures["left"] == 0
    # The failed attempts rolled back their effect: exactly one row.
    assert await ledger_rows(sessions) == [(envelope.event_id, "applied")]


async def test_a_poison_event_goes_to_the_dead_letter_topic_and_the_next_is_applied(
    broker: KafkaBroker,
    producer: AIOKafkaProducer,
    sessions: async_sessionmaker[AsyncSession],
    settings: KitSettings,
) -> None:
    poison = envelope_of("poison")

    async def picky(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
        if envelope.event_id == poison.event_id:
            raise ValueError("this clinic cannot be projected")
        await record(session, event, envelope)

    consumer_for(broker, sessions, settings).subscribe({TOPIC: picky})
    await broker.start()
    healthy = envelope_of("healthy")
    await send(producer, settings, encode(poison))
    await send(producer, settings, b"{not json", key=b"garbage")
    await send(producer, settings, encode(healthy))

    async def healthy_applied() -> bool:
        return len(await ledger_rows(sessions)) == 1

    assert await wait_for(healthy_applied)
    letters = [
        decode_dead_letter(r.value)
        for r in await read_topic(
            settings.kafka_bootstrap_servers, settings.topic("clinic.deadletter.v1"), 2
        )
    ]
    by_type = {letter.error_type: letter for letter in letters}
    assert by_type["ValueError"].event_id == poison.event_id
    assert by_type["ValueError"].attempts == 3
    assert "cannot be projected" in by_type["ValueError"].error_message
    assert by_type["ValueError"].source_topic == TOPIC
    assert by_type["ValidationError"].attempts == 1
    assert by_type["ValidationError"].original_value == "{not json"


async def test_a_transient_failure_is_redelivered_not_dead_lettered(
    broker: KafkaBroker,
    producer: AIOKafkaProducer,
    sessions: async_sessionmaker[AsyncSession],
    settings: KitSettings,
) -> None:
    outages = {"left": 3}

    async def during_outage(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
        if outages["left"]:
            outages["left"] -= 1
            raise sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError())
        await record(session, event, envelope)

    # max_attempts=3 would dead-letter a 3-times failing handler; transient ones never are.
    consumer_for(broker, sessions, settings).subscribe({TOPIC: during_outage})
    await broker.start()
    envelope = envelope_of()
    await send(producer, settings, encode(envelope))

    async def applied() -> bool:
        return len(await ledger_rows(sessions)) == 1

    assert await wait_for(applied)
    assert await ledger_rows(sessions) == [(envelope.event_id, "applied")]


async def test_one_group_member_per_process_applies_every_topic_in_order(
    broker: KafkaBroker,
    producer: AIOKafkaProducer,
    sessions: async_sessionmaker[AsyncSession],
    settings: KitSettings,
) -> None:
    async def noted(session: AsyncSession, envelope: EventEnvelope, note: str) -> None:
        await session.execute(insert(ledger).values(event_id=envelope.event_id, note=note))

    async def on_identity(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
        await noted(session, envelope, "identity")

    async def on_booking(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
        await noted(session, envelope, "booking")

    consumer = consumer_for(broker, sessions, settings)
    consumer.subscribe({TOPIC: on_identity, "clinic.booking.v1": on_booking})
    with pytest.raises(RuntimeError, match="subscribed already"):
        consumer.subscribe({TOPIC: record})
    await broker.start()
    identity, booking = envelope_of("identity"), envelope_of("booking")
    await send(producer, settings, encode(identity))
    await producer.send_and_wait(settings.topic("clinic.booking.v1"), encode(booking), key=b"k")

    async def both_applied() -> bool:
        return len(await ledger_rows(sessions)) >= 2

    assert await wait_for(both_applied)
    assert sorted(await ledger_rows(sessions)) == sorted(
        [(identity.event_id, "identity"), (booking.event_id, "booking")]
    )
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        [described] = await admin.describe_consumer_groups([consumer.kafka_group])
    finally:
        await admin.close()
    [group] = described.groups
    members = group[5]
    assert len(members) == 1  # both topics, one Kafka consumer: one join, no rebalancing
