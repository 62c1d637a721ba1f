"""Consumer lag: how many messages each consumer group has yet to apply, per topic."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from servicekit.metrics import CONSUMER_LAG

log = logging.getLogger(__name__)

# A sample that takes longer than this is abandoned (aiokafka may wait on a missing partition).
SAMPLE_TIMEOUT_SECONDS = 10.0


class ConsumerLagSampler:
    """Sets `consumer_lag_messages` from the broker's end offsets and each group's commits."""

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        service: str,
        subscriptions: Iterable[tuple[str, str]],
        topic_prefix: str = "",
        interval: float = 60.0,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.service = service
        self.topic_prefix = topic_prefix
        self.interval = interval
        self.topics_by_group: dict[str, set[str]] = defaultdict(set)
        for group, topic in subscriptions:
            self.topics_by_group[group].add(topic)

    async def run(self) -> None:
        """Sample every interval until cancelled; a failed sample is only a warning."""
        while True:
            try:
                async with asyncio.timeout(SAMPLE_TIMEOUT_SECONDS):
                    await self.sample()
            except Exception as exc:
                log.warning("could not sample consumer lag of %s (%r)", self.service, exc)
            await asyncio.sleep(self.interval)

    async def sample(self) -> None:
        """Measure the lag of every (group, topic) once and set the gauge."""
        # Short-lived clients: nothing to repair after a broker restart, and no group is joined.
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers)
        offsets = AIOKafkaConsumer(bootstrap_servers=self.bootstrap_servers, group_id=None)
        try:
            await admin.start()
            await offsets.start()
            await offsets.topics()  # loads the partitions of every topic
            for group, topics in self.topics_by_group.items():
                for topic in sorted(topics):
                    lag = await self._lag(admin, offsets, group, topic)
                    CONSUMER_LAG.labels(self.service, group, topic).set(lag)
        finally:
            await offsets.stop()
            await admin.close()

    async def _lag(
        self, admin: AIOKafkaAdminClient, offsets: AIOKafkaConsumer, group: str, topic: str
    ) -> int:
        name = f"{self.topic_prefix}{topic}"
        partitions = [TopicPartition(name, p) for p in offsets.partitions_for_topic(name) or ()]
        if not partitions:
            raise LookupError(f"topic {name} has no partitions on the broker")
        committed = await admin.list_consumer_group_offsets(
            f"{self.topic_prefix}{group}", partitions=partitions
        )
        ends = await offsets.end_offsets(partitions)
        # A partition the group never committed is read from the start (auto_offset_reset).
        starts = await offsets.beginning_offsets(partitions)
        lag = 0
        for partition in partitions:
            done = committed.get(partition)
            position = done.offset if done is not None and done.offset >= 0 else starts[partition]
            # A recreated topic can end below an old commit: nothing is waiting there.
            lag += max(ends[partition] - position, 0)
        return lag
