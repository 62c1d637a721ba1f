"""The consumer parses each event once, for every handler: handlers get the contract model; an
event type newer than the code is skipped (or kept by `on_unknown`) and never reaches them."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer
from clinic_contracts.envelope import Event, EventEnvelope, encode, new_envelope
from clinic_contracts.identity import ClinicCreated
from faststream.kafka import KafkaBroker
from servicekit.consumer import deliver, is_known
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import KitSettings, clinic_event, consumer_for, ledger, wait_for

TOPIC = "clinic.identity.v1"


def from_the_future(envelope: EventEnvelope) -> EventEnvelope:
    return envelope.model_copy(update={"event_type": "ClinicTeleported"})


async def notes(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(ledger.c.note).order_by(ledger.c.id)))


async def note_name(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
    assert isinstance(event, ClinicCreated)
    await session.execute(insert(ledger).values(event_id=envelope.event_id, note=event.name))


def test_only_registered_types_and_versions_are_known() -> None:
    envelope = new_envelope(clinic_event(), producer="kittest")
    assert is_known(envelope)
    assert not is_known(from_the_future(envelope))
    assert not is_known(envelope.model_copy(update={"schema_version": 99}))


async def test_deliver_hands_the_handler_the_parsed_model(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    envelope = new_envelope(clinic_event("Mathare"), producer="kittest")
    async with sessions() as session, session.begin():
        assert await deliver(note_name, session, envelope)
        assert not await deliver(note_name, session, from_the_future(envelope))
    assert await notes(sessions) == ["Mathare"]


async def test_an_unknown_type_is_skipped_and_the_next_event_applied(
    broker: KafkaBroker,
    producer: AIOKafkaProducer,
    sessions: async_sessionmaker[AsyncSession],
    settings: KitSettings,
) -> None:
    consumer = consumer_for(broker, sessions, settings)
    consumer.subscribe({TOPIC: note_name})
    await broker.start()
    unknown = from_the_future(new_envelope(clinic_event("Atlantis"), producer="kittest"))
    known = new_envelope(clinic_event("Kibera"), producer="kittest")
    for envelope in (unknown, known):
        await producer.send_and_wait(settings.topic(TOPIC), encode(envelope), key=b"k")

    async def applied() -> bool:
        return bool(await notes(sessions))

    assert await wait_for(applied)
    assert await notes(sessions) == ["Kibera"]


async def test_on_unknown_keeps_an_unknown_type_with_its_topic(
    broker: KafkaBroker,
    producer: AIOKafkaProducer,
    sessions: async_sessionmaker[AsyncSession],
    settings: KitSettings,
) -> None:
    async def keep(session: AsyncSession, envelope: EventEnvelope, topic: str) -> None:
        note = f"{topic}:{envelope.event_type}"
        await session.execute(insert(ledger).values(event_id=envelope.event_id, note=note))

    consumer = consumer_for(broker, sessions, settings)
    consumer.subscribe({TOPIC: note_name}, on_unknown=keep)
    await broker.start()
    unknown = from_the_future(new_envelope(clinic_event("Atlantis"), producer="kittest"))
    for envelope in (unknown, unknown):  # redelivered: kept once, like any other event
        await producer.send_and_wait(settings.topic(TOPIC), encode(envelope), key=b"k")
    await producer.send_and_wait(
        settings.topic(TOPIC),
        encode(new_envelope(clinic_event("Kibera"), producer="kittest")),
        key=b"k",
    )

    async def both() -> bool:
        return len(await notes(sessions)) >= 2

    assert await wait_for(both)
    assert await notes(sessions) == [f"{TOPIC}:ClinicTeleported", "Kibera"]
