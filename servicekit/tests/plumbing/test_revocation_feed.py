"""The revocation feed on a real broker: every process sees every revocation, from the recent
part of identity's topic, and a broker that restarts empty is read again."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from aiokafka import AIOKafkaProducer
from clinic_contracts.envelope import encode, new_envelope
from clinic_contracts.identity import IDENTITY_TOPIC, SessionRevoked
from servicekit.auth import Principal
from servicekit.kafka_admin import ensure_topics
from servicekit.local.processes import free_port
from servicekit.local.tansu import TansuBroker
from servicekit.revocation_feed import RevocationFeed
from servicekit.revocations import RevocationProjection

from .conftest import wait_for

PARTITIONS = 6


def revocation(user: uuid.UUID | None = None, session: uuid.UUID | None = None) -> SessionRevoked:
    return SessionRevoked(
        user_id=user or uuid.uuid4(),
        session_id=session or uuid.uuid4(),
        reason="signed_out",
        revoked_at=datetime.now(UTC),
    )


def covers(feed: RevocationFeed, event: SessionRevoked) -> bool:
    principal = Principal(event.user_id, issued_at=time.time(), session_id=event.session_id)
    return feed.projection.refusal(principal) is not None


Publish = Callable[..., Awaitable[None]]


@contextlib.asynccontextmanager
async def publisher(bootstrap_servers: str, topic: str) -> AsyncIterator[Publish]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
    await producer.start()

    async def publish(
        event: SessionRevoked, *, timestamp_ms: int | None = None, partition: int | None = None
    ) -> None:
        envelope = new_envelope(event, producer="identity")
        key = envelope.aggregate_id.encode()
        await producer.send_and_wait(
            topic, encode(envelope), key=key, partition=partition, timestamp_ms=timestamp_ms
        )

    try:
        yield publish
    finally:
        await producer.stop()


@contextlib.asynccontextmanager
async def following(
    bootstrap_servers: str, topic: str, check_interval: float = 2.0, retention: float | None = None
) -> AsyncIterator[RevocationFeed]:
    feed = RevocationFeed(
        RevocationProjection(leeway=5.0, retention=retention),
        bootstrap_servers=bootstrap_servers,
        topic=topic,
        client_id=f"test-{uuid.uuid4().hex[:6]}",
        check_interval=check_interval,
    )
    task = asyncio.create_task(feed.run())
    try:
        yield feed
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def caught_up(feed: RevocationFeed) -> bool:
    return feed.caught_up.is_set()


@pytest.fixture
async def topic(kafka_bootstrap_servers: str, kafka_topic_prefix: str) -> str:
    name = f"{kafka_topic_prefix}{IDENTITY_TOPIC}"
    await ensure_topics(kafka_bootstrap_servers, [(name, PARTITIONS)])
    return name


async def test_two_processes_each_see_every_revocation_of_every_partition(
    kafka_bootstrap_servers: str, topic: str
) -> None:
    events = [revocation() for _ in range(24)]  # keyed by 24 users: every partition gets some
    async with publisher(kafka_bootstrap_servers, topic) as publish:
        for event in events[:12]:
            await publish(event)
        async with (
            following(kafka_bootstrap_servers, topic) as first,
            following(kafka_bootstrap_servers, topic) as second,
        ):
            for feed in (first, second):
                assert await wait_for(partial(caught_up, feed))
                assert all(covers(feed, event) for event in events[:12])  # read at start
            for event in events[12:]:
                await publish(event)
            for feed in (first, second):

                async def all_seen(feed: RevocationFeed = feed) -> bool:
                    return all(covers(feed, event) for event in events)

                assert await wait_for(all_seen)
                assert len(feed.projection) == len(events)


async def test_a_feed_starts_from_the_recent_part_of_the_topic(
    kafka_bootstrap_servers: str, topic: str
) -> None:
    retention = 3.0  # seconds, instead of a token's lifetime: the old part is soon old
    user = uuid.uuid4()  # one key, one partition: the old message sits before the recent one
    # Still in force if it were read (a session revocation covers every token of the session
    # and it names a later instant), so only where reading starts can leave it out.
    old = revocation(user).model_copy(update={"revoked_at": datetime.now(UTC) + timedelta(hours=1)})
    async with publisher(kafka_bootstrap_servers, topic) as publish:
        await publish(old)
        await asyncio.sleep(retention + 1)  # lets the first message age; nothing is asserted on it
        recent = revocation(user)
        await publish(recent)
    async with following(kafka_bootstrap_servers, topic, retention=retention) as feed:
        assert await wait_for(lambda: caught_up(feed))
        assert covers(feed, recent)
        assert not covers(feed, old)


async def test_a_feed_is_not_caught_up_until_the_topic_exists(
    kafka_bootstrap_servers: str, kafka_topic_prefix: str
) -> None:
    topic = f"{kafka_topic_prefix}{IDENTITY_TOPIC}"
    async with following(kafka_bootstrap_servers, topic) as feed:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(feed.caught_up.wait(), timeout=1.0)
        assert not feed.caught_up.is_set()
        await ensure_topics(kafka_bootstrap_servers, [(topic, PARTITIONS)])
        assert await wait_for(lambda: caught_up(feed))


async def test_a_broker_that_restarts_empty_is_read_again_from_the_start() -> None:
    tansu = TansuBroker(free_port())
    await tansu.start()
    servers, topic = tansu.bootstrap_servers, IDENTITY_TOPIC
    user = uuid.uuid4()  # every message in one partition
    try:
        await ensure_topics(servers, [(topic, PARTITIONS)])
        async with following(servers, topic, check_interval=0.5) as feed:
            async with publisher(servers, topic) as publish:
                before = [revocation(user) for _ in range(5)]
                for event in before:
                    await publish(event)
            assert await wait_for(lambda: _covers_all(feed, before))

            await tansu.stop()
            assert await wait_for(lambda: _unreachable(feed))
            await tansu.start()  # empty: no topics, no messages
            await ensure_topics(servers, [(topic, PARTITIONS)])
            async with publisher(servers, topic) as publish:
                # At offset 0, below where the feed had read up to: found only by reading again.
                new = revocation(user)
                await publish(new)
                for event in before:  # what identity's relay republishes
                    await publish(event)
            assert await wait_for(lambda: _covers_all(feed, [new]), deadline=60)
            assert feed.rereads >= 1
    finally:
        await tansu.stop()


async def _covers_all(feed: RevocationFeed, events: list[SessionRevoked]) -> bool:
    return all(covers(feed, event) for event in events)


async def _unreachable(feed: RevocationFeed) -> bool:
    return not feed.reachable


pytestmark = pytest.mark.timeout(240)
