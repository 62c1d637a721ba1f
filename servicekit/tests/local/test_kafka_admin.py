"""ensure_topics: creates what is missing, tolerates what exists, waits for the broker."""

from __future__ import annotations

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from servicekit.kafka_admin import TopicCreationError, ensure_topics
from servicekit.local.processes import free_port


async def _partitions(bootstrap_servers: str, topics: list[str]) -> dict[str, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return {topic["topic"]: len(topic["partitions"]) for topic in described}


async def test_ensure_topics_creates_missing_topics_and_is_idempotent(
    kafka_bootstrap_servers: str, kafka_topic_prefix: str
) -> None:
    bookings, shifts = f"{kafka_topic_prefix}booking.v1", f"{kafka_topic_prefix}shifts.v1"

    await ensure_topics(kafka_bootstrap_servers, [(bookings, 3)])
    await ensure_topics(kafka_bootstrap_servers, [(bookings, 3), (shifts, 1)])
    await ensure_topics(kafka_bootstrap_servers, [(bookings, 3), (shifts, 1)])

    assert await _partitions(kafka_bootstrap_servers, [bookings, shifts]) == {
        bookings: 3,
        shifts: 1,
    }


async def test_ensure_topics_gives_up_on_an_absent_broker_at_its_deadline() -> None:
    with pytest.raises(TopicCreationError, match="could not ensure topics"):
        await ensure_topics(f"127.0.0.1:{free_port()}", [("nowhere.v1", 1)], timeout=1)
