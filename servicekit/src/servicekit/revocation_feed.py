"""Every process follows identity's topic into its own revocation projection.

Each process reads every partition itself, with no consumer group (a group would split the
partitions between replicas, and each must see every revocation). It starts from the recent
part of the topic (the projection's retention, found with `offsets_for_times`, or from the
earliest offset on a broker without it) and is caught up once it has read up to the end
offsets it saw then: until that, the process is not ready.

While the broker is away nothing new can be revoked (identity's outbox holds the events) and
the projection keeps what it knows. A broker that comes back without its data (unreachable for
a while, a new cluster id, or a partition whose end offset went back) is read again from
the recent part of each partition, where identity's relay republishes; applying a revocation
twice changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import UnsupportedVersionError
from clinic_contracts.envelope import decode
from clinic_contracts.identity import IDENTITY_TOPIC

# For its side effect: aiokafka's metadata lookups never auto-create the topic followed.
import servicekit.broker  # noqa: F401
from servicekit.revocations import RevocationProjection
from servicekit.settings import CommonSettings

log = logging.getLogger(__name__)

# How long the broker may hold an empty fetch; a revocation still arrives at once (see
# servicekit.consumer.FETCH_MAX_WAIT_MS for why 500).
FETCH_MAX_WAIT_MS = 500
REQUEST_TIMEOUT_SECONDS = 5.0


class RevocationFeed:
    """Reads identity's events into a RevocationProjection until cancelled."""

    def __init__(
        self,
        projection: RevocationProjection,
        *,
        bootstrap_servers: str,
        topic: str,
        client_id: str,
        check_interval: float = 2.0,
    ) -> None:
        self.projection = projection
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.client_id = client_id
        self.check_interval = check_interval
        self.caught_up = asyncio.Event()  # set once, when the start-up backlog has been read
        self.rereads = 0  # times the recent part was read again after a broker lost its data
        self.reachable = False  # whether the broker answered the last check
        self._cluster_id: str | None = None
        self._unreachable = False
        self._ends: dict[TopicPartition, int] = {}  # end offsets at the last check

    @classmethod
    def from_settings(cls, settings: CommonSettings, *, client_id: str) -> RevocationFeed:
        """A feed of identity's topic (with the settings' prefix) into a new projection."""
        return cls(
            RevocationProjection(leeway=settings.jwt_leeway_seconds),
            bootstrap_servers=settings.kafka_bootstrap_servers,
            topic=settings.topic(IDENTITY_TOPIC),
            client_id=f"{client_id}-revocations",
        )

    async def run(self) -> None:
        """Follow the topic, reconnecting with backoff whenever the broker fails us."""
        backoff = 0.5
        while True:
            started = time.monotonic()
            try:
                await self._follow()
            except LookupError as exc:
                log.info("revocation feed waiting: %s", exc)
                backoff = 0.5  # the broker answers; the topic is about to be created
            except Exception as exc:
                log.warning("revocation feed interrupted (%r); again in %.1fs", exc, backoff)
            if time.monotonic() - started > 60:
                backoff = 0.5  # a long run ended: start the backoff over
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)

    async def _follow(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            client_id=self.client_id,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
            metadata_max_age_ms=15_000,
            request_timeout_ms=int(REQUEST_TIMEOUT_SECONDS * 1000),
        )
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self.bootstrap_servers,
            client_id=self.client_id,
            request_timeout_ms=int(REQUEST_TIMEOUT_SECONDS * 1000),
        )
        try:
            await consumer.start()
            await admin.start()
            await self._read(consumer, admin)
        finally:
            await _closed(consumer.stop(), admin.close())

    async def _read(self, consumer: AIOKafkaConsumer, admin: AIOKafkaAdminClient) -> None:
        await consumer.topics()  # loads the partitions of every topic
        partitions = [
            TopicPartition(self.topic, p)
            for p in sorted(consumer.partitions_for_topic(self.topic) or ())
        ]
        if not partitions:
            # Not created here: the services create every topic (a broker that restarted
            # empty too), and two creations of one topic at once confuse Tansu.
            raise LookupError(f"topic {self.topic} does not exist yet")
        consumer.assign(partitions)
        self._cluster_id = await self._current_cluster_id(admin)
        targets = await self._rewind(consumer, partitions)
        next_check = time.monotonic() + self.check_interval
        while True:
            batches = await consumer.getmany(timeout_ms=int(self.check_interval * 1000))
            for records in batches.values():
                for record in records:
                    self._apply(record)
            if not self.caught_up.is_set() and await _reached(consumer, targets):
                self.caught_up.set()
                log.info("revocations caught up (%d in force)", len(self.projection))
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + self.check_interval
                self.projection.prune()
                if await self._lost_data(consumer, admin, partitions):
                    targets = await self._rewind(consumer, partitions)
                    self.rereads += 1

    def _apply(self, record: ConsumerRecord[Any, Any]) -> None:
        try:
            self.projection.apply(decode(record.value or b""))
        except ValueError as exc:  # pydantic's ValidationError is one
            log.warning(
                "skipped an undecodable message at %s offset %d (%s)",
                self.topic,
                record.offset,
                type(exc).__name__,
            )

    async def _rewind(
        self, consumer: AIOKafkaConsumer, partitions: list[TopicPartition]
    ) -> dict[TopicPartition, int]:
        """Seek each partition to its first message of the retention; returns the end offsets."""
        since_ms = int((time.time() - self.projection.retention) * 1000)
        # Asked first: a message arriving meanwhile is then either found below or after it.
        nothing_recent = await consumer.end_offsets(partitions)
        try:
            found = await consumer.offsets_for_times({tp: since_ms for tp in partitions})
        except UnsupportedVersionError:
            found, nothing_recent = {}, await consumer.beginning_offsets(partitions)
        for tp in partitions:
            hit = found.get(tp)
            # Kafka answers None when nothing is that recent; Tansu answers timestamp -1.
            recent = hit is not None and hit.timestamp >= 0
            consumer.seek(tp, hit.offset if hit is not None and recent else nothing_recent[tp])
        self._ends = await consumer.end_offsets(partitions)
        return self._ends

    async def _lost_data(
        self,
        consumer: AIOKafkaConsumer,
        admin: AIOKafkaAdminClient,
        partitions: list[TopicPartition],
    ) -> bool:
        """Whether the broker may have come back without the messages already read."""
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS * 2):
                ends = await consumer.end_offsets(partitions)
                cluster_id = await self._current_cluster_id(admin)
        except Exception as exc:
            if not self._unreachable:
                log.warning("revocation feed cannot reach the broker (%r)", exc)
            self._unreachable, self.reachable = True, False
            return False
        self.reachable = True
        reasons = []
        if self._unreachable:
            reasons.append("the broker was unreachable")
        if cluster_id != self._cluster_id:
            reasons.append(f"the cluster id changed to {cluster_id}")
        # Not "ends below the position read": Tansu reports the end of a batch of several
        # messages as its first offset + 1. An end that moved back is a sign on any broker.
        for tp in partitions:
            if ends[tp] < self._ends.get(tp, 0):
                reasons.append(f"partition {tp.partition} went back to offset {ends[tp]}")
        self._ends = ends
        if not reasons:
            return False
        log.warning("reading the recent revocations again: %s", "; ".join(reasons))
        self._unreachable, self._cluster_id = False, cluster_id
        return True

    @staticmethod
    async def _current_cluster_id(admin: AIOKafkaAdminClient) -> str | None:
        cluster = await admin.describe_cluster()
        cluster_id = cluster.get("cluster_id")
        return str(cluster_id) if cluster_id is not None else None


async def _reached(consumer: AIOKafkaConsumer, targets: dict[TopicPartition, int]) -> bool:
    for tp, end in targets.items():
        if await consumer.position(tp) < end:
            return False
    return True


async def _closed(*closing: Any) -> None:
    # aiokafka's close can wait a long time on a broker that is gone; never hang a stop on it.
    with contextlib.suppress(Exception):
        async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
            await asyncio.gather(*closing, return_exceptions=True)
