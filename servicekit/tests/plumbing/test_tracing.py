"""Trace context travels from the request that staged an event, through Kafka, to the handler."""

from __future__ import annotations

import uuid

from aiokafka import AIOKafkaProducer
from clinic_contracts.envelope import Event, EventEnvelope, encode, new_envelope
from opentelemetry import trace
from servicekit.broker import make_broker
from servicekit.consumer import IdempotentConsumer
from servicekit.db import asyncpg_dsn
from servicekit.relay import OutboxRelay
from servicekit.telemetry import configure_tracing
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import KitSettings, clinic_event, outbox, read_topic, wait_for

TOPIC = "clinic.identity.v1"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


async def test_the_relay_publishes_under_the_staging_requests_trace(
    settings: KitSettings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    configure_tracing("kittest", None)
    from opentelemetry import context, propagate

    token = context.attach(propagate.extract({"traceparent": TRACEPARENT}))
    try:
        async with sessions() as session, session.begin():
            await outbox.stage(session, clinic_event())
    finally:
        context.detach(token)
    broker = make_broker(settings, client_id="kittest")
    await broker.start()
    try:
        relay = OutboxRelay(
            outbox,
            sessions,
            broker,
            dsn=asyncpg_dsn(settings.database_url.get_secret_value()),
            topic_prefix=settings.kafka_topic_prefix,
        )
        await relay.publish_pending()
    finally:
        await broker.stop()
    [record] = await read_topic(settings.kafka_bootstrap_servers, settings.topic(TOPIC), 1)
    traceparent = dict(record.headers)["traceparent"].decode()
    assert traceparent.split("-")[1] == TRACE_ID


async def test_the_handler_runs_inside_the_messages_trace(
    settings: KitSettings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    configure_tracing("kittest", None)
    seen: list[str] = []

    async def handler(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
        seen.append(format(trace.get_current_span().get_span_context().trace_id, "032x"))

    broker = make_broker(settings, client_id="kittest")
    IdempotentConsumer(
        broker,
        sessions,
        outbox,
        group=f"trace-{uuid.uuid4().hex[:6]}",
        topic_prefix=settings.kafka_topic_prefix,
    ).subscribe({TOPIC: handler})
    await broker.start()
    try:
        producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
        await producer.start()
        await producer.send_and_wait(
            settings.topic(TOPIC),
            encode(new_envelope(clinic_event(), producer="kittest")),
            key=b"k",
            headers=[("traceparent", TRACEPARENT.encode())],
        )
        await producer.stop()

        async def handled() -> bool:
            return bool(seen)

        assert await wait_for(handled)
    finally:
        await broker.stop()
    assert seen == [TRACE_ID]
