"""The relay heals a broker that came back without its data: recent events are published again.

The tests that kill the broker own their Tansu; the durable-broker one uses the session's and
must replay nothing; the rest exercise the replay's bookkeeping on the database alone.
"""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from functools import partial

import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from clinic_contracts.envelope import Event, EventEnvelope, decode
from faststream.kafka import KafkaBroker
from prometheus_client import REGISTRY
from servicekit.broker import make_broker
from servicekit.consumer import IdempotentConsumer
from servicekit.db import asyncpg_dsn, create_engine, session_factory
from servicekit.kafka_admin import cluster_id, ensure_topics
from servicekit.local.processes import free_port
from servicekit.local.tansu import TansuBroker
from servicekit.relay import OutboxRelay
from servicekit.replay import OutboxReplay
from servicekit.runtime import ServiceRuntime, running
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import KitSettings, clinic_event, ledger, outbox, read_topic, wait_for

TOPIC = "clinic.identity.v1"
TOPICS = [(TOPIC, 3), ("clinic.deadletter.v1", 1)]

pytestmark = pytest.mark.timeout(420)


def replays(reason: str) -> float:
    value = REGISTRY.get_sample_value(
        "outbox_replays_total", {"service": "kittest", "reason": reason}
    )
    return value or 0.0


async def kill(tansu: TansuBroker) -> None:
    """SIGKILL, as the issue does: nothing is flushed or closed."""
    assert tansu.pid is not None
    os.kill(tansu.pid, signal.SIGKILL)
    while tansu.poll() is None:
        await asyncio.sleep(0.05)


async def restart(tansu: TansuBroker) -> None:
    """What the stack's supervisor does: start it again and recreate the topics."""
    await tansu.start()
    await ensure_topics(tansu.bootstrap_servers, TOPICS)


@pytest.fixture
async def tansu() -> AsyncIterator[TansuBroker]:
    broker = TansuBroker(free_port())
    await broker.start()
    await ensure_topics(broker.bootstrap_servers, TOPICS)
    yield broker
    await broker.stop()


async def stage(
    sessions: async_sessionmaker[AsyncSession], count: int, *, aggregate_id: uuid.UUID | None = None
) -> list[EventEnvelope]:
    envelopes = []
    for _ in range(count):
        async with sessions() as session, session.begin():
            event = clinic_event()
            envelopes.append(await outbox.stage(session, event, aggregate_id=aggregate_id))
    return envelopes


async def all_published(
    sessions: async_sessionmaker[AsyncSession], envelopes: list[EventEnvelope]
) -> bool:
    ids = [e.event_id for e in envelopes]
    async with sessions() as session:
        pending: int | None = await session.scalar(
            select(func.count()).where(
                outbox.table.c.event_id.in_(ids), outbox.table.c.published_at.is_(None)
            )
        )
    return pending == 0


def ledger_consumer(
    settings: KitSettings, sessions: async_sessionmaker[AsyncSession], group: str
) -> KafkaBroker:
    """A consumer group whose effect is a ledger row noted with the group's name."""

    async def record(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
        await session.execute(insert(ledger).values(event_id=envelope.event_id, note=group))

    broker = make_broker(settings, client_id=f"kittest-{group}")
    IdempotentConsumer(broker, sessions, outbox, group=group).subscribe({TOPIC: record})
    return broker


async def ledger_of(sessions: async_sessionmaker[AsyncSession], group: str) -> list[uuid.UUID]:
    async with sessions() as session:
        rows = await session.execute(select(ledger.c.event_id).where(ledger.c.note == group))
        return list(rows.scalars())


async def test_a_broker_killed_and_restarted_empty_delivers_every_event_once(
    tansu: TansuBroker, kit_database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    settings = KitSettings(
        database_url=kit_database_url,
        kafka_bootstrap_servers=tansu.bootstrap_servers,
        consumer_retry_backoff_seconds=0.01,
    )
    # `steady` stays connected across the outage; `late` is down while events pile up for it.
    steady = ledger_consumer(settings, sessions, "steady")
    late = ledger_consumer(settings, sessions, "late")
    before = replays("cluster_id") + replays("offsets")

    async def has_all(group: str, envelopes: list[EventEnvelope]) -> bool:
        return {e.event_id for e in envelopes} <= set(await ledger_of(sessions, group))

    async with running(ServiceRuntime(settings, outbox)):
        await steady.start()
        await late.start()
        try:
            consumed = await stage(sessions, 10)
            assert await wait_for(lambda: has_all("late", consumed), deadline=60)
            await late.stop()
            unconsumed = await stage(sessions, 10)  # acknowledged, then lost with the broker
            assert await wait_for(lambda: all_published(sessions, unconsumed), deadline=60)

            await kill(tansu)
            await restart(tansu)
            after = await stage(sessions, 10)
            late = ledger_consumer(settings, sessions, "late")
            await late.start()
            everything = consumed + unconsumed + after
            # Rejoining a restarted broker takes group rebalances: slow on a busy machine.
            for group in ("late", "steady"):
                assert await wait_for(partial(has_all, group, everything), deadline=180), group
        finally:
            await late.stop()
            await steady.stop()

    expected = sorted(e.event_id for e in everything)
    assert sorted(await ledger_of(sessions, "late")) == expected  # each once
    assert sorted(await ledger_of(sessions, "steady")) == expected
    assert replays("cluster_id") + replays("offsets") > before


async def test_an_acknowledged_offset_going_backwards_replays_in_order(
    kit_database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # The same cluster id after the restart: only the offsets can tell that data was lost.
    tansu = TansuBroker(free_port(), cluster_id="clinic-same-after-restart")
    await tansu.start()
    await ensure_topics(tansu.bootstrap_servers, TOPICS)
    settings = KitSettings(
        database_url=kit_database_url, kafka_bootstrap_servers=tansu.bootstrap_servers
    )
    broker = make_broker(settings, client_id="kittest")
    relay = OutboxRelay(
        outbox,
        sessions,
        broker,
        dsn=asyncpg_dsn(kit_database_url),
        recover=lambda: ensure_topics(tansu.bootstrap_servers, TOPICS),
        cluster_id=lambda: cluster_id(tansu.bootstrap_servers),
    )
    aggregate = uuid.uuid4()  # one aggregate: one partition, whose offsets are compared
    before = (replays("offsets"), replays("cluster_id"))
    await broker.start()
    task = asyncio.create_task(relay.run())
    try:
        first = await stage(sessions, 5, aggregate_id=aggregate)
        assert await wait_for(lambda: all_published(sessions, first), deadline=60)
        await kill(tansu)
        await restart(tansu)
        second = await stage(sessions, 3, aggregate_id=aggregate)
        assert await wait_for(lambda: _replayed(before[0]), deadline=120)
        assert await wait_for(lambda: all_published(sessions, first + second), deadline=60)
        records = await read_to_end(tansu.bootstrap_servers, TOPIC, dict(TOPICS)[TOPIC])
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await broker.stop()
        await tansu.stop()

    assert (replays("offsets"), replays("cluster_id")) == (before[0] + 1, before[1])
    mine = [r for r in records if r.key == str(aggregate).encode()]
    in_log = [decode(r.value).event_id for r in sorted(mine, key=lambda r: r.offset)]
    # After what reached the restarted broker before the relay noticed, every event in order.
    staged = [e.event_id for e in first + second]
    assert in_log[-len(staged) :] == staged


async def read_to_end(
    bootstrap: str, topic: str, partition_count: int
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of `topic`, up to the end offsets it has now."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, n) for n in range(partition_count)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord[bytes, bytes]] = []
        for partition in partitions:
            while await consumer.position(partition) < ends[partition]:
                batch = await consumer.getmany(partition, timeout_ms=1000)
                records.extend(batch.get(partition, []))
        return records
    finally:
        await consumer.stop()


async def _replayed(before: float) -> bool:
    return replays("offsets") > before


async def test_a_relay_restarted_against_a_durable_broker_replays_nothing(
    settings: KitSettings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    current = await cluster_id(settings.kafka_bootstrap_servers)
    before = replays("cluster_id") + replays("offsets")

    async def relay_once(count: int) -> None:
        """A fresh relay process: check the broker as on start, then publish."""
        broker = make_broker(settings, client_id="kittest")
        relay = OutboxRelay(
            outbox,
            sessions,
            broker,
            dsn=asyncpg_dsn(settings.database_url.get_secret_value()),
            topic_prefix=settings.kafka_topic_prefix,
            cluster_id=lambda: cluster_id(settings.kafka_bootstrap_servers),
        )
        await broker.start()
        try:
            await stage(sessions, count)
            assert await relay.replay.heal() == 0
            assert await relay.publish_pending() == count
        finally:
            await broker.stop()

    await relay_once(4)
    await relay_once(3)

    records = await read_topic(settings.kafka_bootstrap_servers, settings.topic(TOPIC), 7)
    assert len(records) == 7  # nothing published twice
    assert replays("cluster_id") + replays("offsets") == before
    async with sessions() as session:
        assert await session.scalar(select(outbox.broker.c.cluster_id)) == current


async def test_replicas_noticing_a_new_broker_at_once_replay_it_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    announced = {"id": "cluster-a"}

    async def announce() -> str:
        return announced["id"]

    replicas = [
        OutboxReplay(outbox, sessions, window=timedelta(hours=1), cluster_id=announce)
        for _ in range(2)
    ]
    await stage(sessions, 6)
    async with sessions() as session, session.begin():
        await session.execute(update(outbox.table).values(published_at=func.now()))
    assert [await replica.heal() for replica in replicas] == [0, 0]  # first broker: recorded

    announced["id"] = "cluster-b"
    counts = await asyncio.gather(*(replica.heal() for replica in replicas))

    assert sorted(counts) == [0, 6]
    async with sessions() as session:
        assert await session.scalar(select(outbox.broker.c.cluster_id)) == "cluster-b"
        pending = select(func.count()).where(outbox.table.c.published_at.is_(None))
        assert await session.scalar(pending) == 6


async def test_only_events_inside_the_window_are_published_again(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    announced = {"id": "cluster-a"}

    async def announce() -> str:
        return announced["id"]

    replay = OutboxReplay(outbox, sessions, window=timedelta(minutes=30), cluster_id=announce)
    old, recent = await stage(sessions, 2), await stage(sessions, 3)
    async with sessions() as session, session.begin():
        table = outbox.table
        await session.execute(update(table).values(published_at=func.now()))
        await session.execute(
            update(table)
            .where(table.c.event_id.in_([e.event_id for e in old]))
            .values(published_at=func.now() - timedelta(hours=2))
        )
    await replay.heal()
    announced["id"] = "cluster-b"

    assert await replay.heal() == 3
    async with sessions() as session:
        pending = await session.scalars(
            select(outbox.table.c.event_id).where(outbox.table.c.published_at.is_(None))
        )
        assert set(pending) == {e.event_id for e in recent}


async def test_a_new_broker_seen_while_the_database_is_away_is_replayed_later(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    announced = {"id": "cluster-a"}

    async def announce() -> str:
        return announced["id"]

    replay = OutboxReplay(outbox, sessions, window=timedelta(hours=1), cluster_id=announce)
    await stage(sessions, 4)
    async with sessions() as session, session.begin():
        await session.execute(update(outbox.table).values(published_at=func.now()))
    await replay.heal()
    announced["id"] = "cluster-b"
    unreachable = create_engine(f"postgresql+asyncpg://nobody:x@127.0.0.1:{free_port()}/none")
    replay.sessions = session_factory(unreachable)
    with pytest.raises(ConnectionRefusedError):
        await replay.heal()
    await unreachable.dispose()

    replay.sessions = sessions
    assert await replay.heal() == 4
