"""A throwaway 'kittest' service schema on the real PostgreSQL, and Kafka helpers."""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import ClassVar, TypeVar

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from clinic_contracts.identity import ClinicCreated
from faststream.kafka import KafkaBroker
from pydantic_settings import SettingsConfigDict
from servicekit.broker import make_broker
from servicekit.consumer import IdempotentConsumer
from servicekit.db import create_engine, service_metadata, session_factory
from servicekit.kafka_admin import ensure_topics
from servicekit.outbox import Outbox
from servicekit.provision import provision
from servicekit.settings import ServiceSettings
from sqlalchemy import Column, Integer, Table, Text, Uuid, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

SCHEMA = "kittest"
T = TypeVar("T")
metadata = service_metadata(SCHEMA)
outbox = Outbox(metadata, producer=SCHEMA)
# A deliberately non-idempotent effect: a duplicate delivery would add a second row.
ledger = Table(
    "ledger",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False),
    Column("note", Text, nullable=False),
)


class KitSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KITTEST_")
    service_name: ClassVar[str] = SCHEMA
    default_port: ClassVar[int] = 0


@pytest.fixture(scope="session")
async def kit_database_url(postgres_admin_url: str) -> str:
    urls = await provision(postgres_admin_url, "kit_tests", {SCHEMA: secrets.token_urlsafe(16)})
    engine = create_engine(urls[SCHEMA])
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)
        await connection.run_sync(metadata.create_all)
    await engine.dispose()
    return urls[SCHEMA]


@pytest.fixture
async def engine(kit_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(kit_database_url)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                f"TRUNCATE {SCHEMA}.outbox, {SCHEMA}.processed_events, {SCHEMA}.ledger, "
                f"{SCHEMA}.outbox_broker, {SCHEMA}.outbox_lanes RESTART IDENTITY"
            )
        )
        await connection.execute(
            text(f"INSERT INTO {SCHEMA}.outbox_lanes SELECT generate_series(0, 15)")
        )
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def settings(
    kit_database_url: str, kafka_bootstrap_servers: str, kafka_topic_prefix: str
) -> KitSettings:
    settings = KitSettings(
        database_url=kit_database_url,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=kafka_topic_prefix,
        consumer_retry_backoff_seconds=0.01,
    )
    await ensure_topics(
        kafka_bootstrap_servers,
        [
            (settings.topic(name), 3)
            for name in ("clinic.identity.v1", "clinic.booking.v1", "clinic.deadletter.v1")
        ],
    )
    return settings


def clinic_event(name: str = "Kibera") -> ClinicCreated:
    return ClinicCreated(clinic_id=uuid.uuid4(), name=name, time_zone="Africa/Nairobi")


async def read_topic(
    bootstrap: str, topic: str, count: int, deadline: float = 30.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """Read `count` records from the start of `topic`, or fail after `deadline` seconds."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        end = time.monotonic() + deadline
        while len(records) < count and time.monotonic() < end:
            batch = await consumer.getmany(timeout_ms=500)
            for partition_records in batch.values():
                records.extend(partition_records)
    finally:
        await consumer.stop()
    assert len(records) >= count, f"only {len(records)} of {count} records on {topic}"
    return records


async def wait_for(
    predicate: Callable[[], Awaitable[T]], deadline: float = 30.0, interval: float = 0.05
) -> T:
    """Poll an async predicate until it returns a truthy value."""
    end = time.monotonic() + deadline
    while True:
        value = await predicate()
        if value or time.monotonic() > end:
            return value
        await asyncio.sleep(interval)


@pytest.fixture
async def broker(settings: KitSettings) -> AsyncIterator[KafkaBroker]:
    broker = make_broker(settings, client_id="kittest")
    yield broker
    await broker.stop()


@pytest.fixture
async def producer(settings: KitSettings) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    yield producer
    await producer.stop()


def consumer_for(
    broker: KafkaBroker, sessions: async_sessionmaker[AsyncSession], settings: KitSettings
) -> IdempotentConsumer:
    """A consumer in a fresh group, retrying fast: three attempts before a dead letter."""
    return IdempotentConsumer(
        broker,
        sessions,
        outbox,
        group=f"kittest-{uuid.uuid4().hex[:6]}",
        topic_prefix=settings.kafka_topic_prefix,
        max_attempts=3,
        backoff=0.01,
    )
