"""The outbox and its relay against the real PostgreSQL and broker."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from typing import Any

import pytest
from clinic_contracts.envelope import decode
from faststream.kafka import KafkaBroker
from servicekit.broker import make_broker
from servicekit.relay import OutboxRelay
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import KitSettings, clinic_event, outbox, read_topic, wait_for


def make_relay(
    settings: KitSettings,
    sessions: async_sessionmaker[AsyncSession],
    broker: KafkaBroker,
    **kwargs: Any,
) -> OutboxRelay:
    from servicekit.db import asyncpg_dsn

    return OutboxRelay(
        outbox,
        sessions,
        broker,
        dsn=asyncpg_dsn(settings.database_url.get_secret_value()),
        topic_prefix=settings.kafka_topic_prefix,
        **kwargs,
    )


async def pending(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(
            await session.scalar(select(func.count()).where(outbox.table.c.published_at.is_(None)))
            or 0
        )


async def test_committed_event_is_published_with_trace_and_type_headers(
    settings: KitSettings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        staged = await outbox.stage(session, clinic_event())
    broker = make_broker(settings, client_id="kittest")
    await broker.start()
    try:
        assert await make_relay(settings, sessions, broker).publish_pending() == 1
    finally:
        await broker.stop()

    [record] = await read_topic(
        settings.kafka_bootstrap_servers, settings.topic("clinic.identity.v1"), 1
    )
    assert decode(record.value) == staged
    assert record.key == staged.aggregate_id.encode()
    headers = dict(record.headers)
    assert headers["event_type"] == b"ClinicCreated"
    assert await pending(sessions) == 0


async def test_rolled_back_change_publishes_nothing(
    settings: KitSettings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async def failing_use_case() -> None:
        async with sessions() as session, session.begin():
            await outbox.stage(session, clinic_event())
            raise RuntimeError("the use case failed after staging")

    with pytest.raises(RuntimeError):
        await failing_use_case()
    broker = make_broker(settings, client_id="kittest")
    await broker.start()
    try:
        assert await make_relay(settings, sessions, broker).publish_pending() == 0
    finally:
        await broker.stop()
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(outbox.table)) == 0


async def test_two_relays_keep_order_per_aggregate_and_publish_each_once(
    settings: KitSettings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    aggregates = [uuid.uuid4() for _ in range(20)]
    staged_order: dict[str, list[uuid.UUID]] = defaultdict(list)
    for round_ in range(15):
        async with sessions() as session, session.begin():
            for aggregate in aggregates:
                event = clinic_event(f"round {round_}")
                envelope = await outbox.stage(session, event, aggregate_id=aggregate)
                staged_order[str(aggregate)].append(envelope.event_id)
    brokers = [make_broker(settings, client_id=f"kittest-{i}") for i in range(2)]
    for broker in brokers:
        await broker.start()
    try:
        relays = [make_relay(settings, sessions, b, batch_size=37) for b in brokers]
        counts = await asyncio.gather(*(relay.publish_pending() for relay in relays))
    finally:
        for broker in brokers:
            await broker.stop()
    assert sum(counts) == 300

    records = await read_topic(
        settings.kafka_bootstrap_servers, settings.topic("clinic.identity.v1"), 300
    )
    seen: dict[str, list[uuid.UUID]] = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        envelope = decode(record.value)
        seen[envelope.aggregate_id].append(envelope.event_id)
    assert seen == staged_order


async def test_notify_wakes_the_relay_without_waiting_for_a_poll(
    settings: KitSettings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    broker = make_broker(settings, client_id="kittest")
    await broker.start()
    relay = make_relay(settings, sessions, broker, poll_interval=3600.0)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.wait_for(relay.listening.wait(), timeout=20.0)
        await asyncio.sleep(0.5)  # let the catch-up drain after LISTEN finish
        async with sessions() as session, session.begin():
            await outbox.stage(session, clinic_event())
        # With an hour-long poll interval, only the NOTIFY can have woken it.
        assert await wait_for(lambda: _all_published(sessions), deadline=20.0)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await broker.stop()


async def _all_published(sessions: async_sessionmaker[AsyncSession]) -> bool:
    return await pending(sessions) == 0
