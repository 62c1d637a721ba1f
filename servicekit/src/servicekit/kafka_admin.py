"""Topic administration: create the topics the contracts name, whatever the broker."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code

logger = logging.getLogger(__name__)


class TopicCreationError(RuntimeError):
    """The broker refused to create a topic for a reason other than it existing already."""


async def ensure_topics(
    bootstrap_servers: str,
    topics: Sequence[tuple[str, int]],
    *,
    replication_factor: int = 1,
    timeout: float = 60.0,
) -> None:
    """Create each missing (name, partitions) topic; existing ones are left as they are.

    Retries while the broker is unreachable, until `timeout` seconds have passed.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            await _create_missing(bootstrap_servers, topics, replication_factor)
            return
        except (KafkaError, OSError, TimeoutError) as error:
            if time.monotonic() >= deadline:
                raise TopicCreationError(
                    f"could not ensure topics on {bootstrap_servers} within {timeout:.0f}s: "
                    f"{error!r}"
                ) from error
            logger.info("broker %s not ready for topics yet: %r", bootstrap_servers, error)
        await asyncio.sleep(0.5)


async def cluster_id(bootstrap_servers: str, *, timeout: float = 10.0) -> str | None:
    """The id the broker announces for its cluster (None from brokers too old to say).

    Apache Kafka keeps it for the life of the cluster; the local stack starts each in-memory
    Tansu with a fresh one, so a broker that came back empty is told apart from one that
    kept its data.
    """
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=int(timeout * 1000)
    )
    try:
        async with asyncio.timeout(timeout):
            await admin.start()
            described = await admin.describe_cluster()
    finally:
        await admin.close()
    announced = described.get("cluster_id")
    return str(announced) if announced else None


async def _create_missing(
    bootstrap_servers: str, topics: Sequence[tuple[str, int]], replication_factor: int
) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10_000)
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, num_partitions=partitions, replication_factor=replication_factor)
            for name, partitions in dict(topics).items()
            if name not in existing
        ]
        if not missing:
            return
        response = await admin.create_topics(missing)
        for topic, code, *message in response.topic_errors:
            error = for_code(code)
            if code == 0 or error is TopicAlreadyExistsError:
                continue
            raise TopicCreationError(f"cannot create topic {topic}: {error.__name__} {message}")
        logger.info("created topics %s", ", ".join(topic.name for topic in missing))
    finally:
        await admin.close()
