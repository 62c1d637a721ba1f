"""Reporting records every event of every topic in its fact table, once."""

from __future__ import annotations

import asyncio
import time
import uuid

from aiokafka import AIOKafkaProducer
from clinic_contracts.envelope import encode, new_envelope
from clinic_contracts.identity import ClinicCreated
from prometheus_client import REGISTRY
from reporting.app import create_app
from reporting.settings import Settings
from servicekit.testing import CleanServiceDatabase
from servicekit.testing.apps import running_app, wait_ready
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


async def facts(url: str) -> list[tuple[str, str]]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT event_type, aggregate_id FROM reporting.event_facts")
        )
        result = [(row[0], row[1]) for row in rows]
    await engine.dispose()
    return result


async def test_a_redelivered_event_is_one_fact(
    clean_service_database: CleanServiceDatabase,
    kafka_bootstrap_servers: str,
    kafka_topic_prefix: str,
) -> None:
    url = await clean_service_database("reporting")
    settings = Settings(
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=kafka_topic_prefix,
    )
    clinic_id = uuid.uuid4()
    envelope = new_envelope(
        ClinicCreated(clinic_id=clinic_id, name="Kibera", time_zone="Africa/Nairobi"),
        producer="identity",
    )
    labels = {"service": "reporting", "group": "reporting", "topic": "clinic.identity.v1"}

    def handled(outcome: str) -> float:
        value = REGISTRY.get_sample_value("consumer_messages_total", {**labels, "outcome": outcome})
        return value or 0.0

    before = handled("applied") + handled("duplicate")
    async with running_app(create_app(settings)) as client:
        assert (await wait_ready(client)).status_code == 200
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
        await producer.start()
        for _ in range(3):  # the same event delivered three times
            await producer.send_and_wait(
                settings.topic("clinic.identity.v1"), encode(envelope), key=str(clinic_id).encode()
            )
        await producer.stop()
        deadline = time.monotonic() + 60
        while handled("applied") + handled("duplicate") < before + 3:
            assert time.monotonic() < deadline, "the three deliveries were not all handled"
            await asyncio.sleep(0.2)
    assert await facts(url) == [("ClinicCreated", str(clinic_id))]
