"""The outbox relay: publishes committed events, woken by LISTEN/NOTIFY, polling as a fallback."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from faststream.kafka import KafkaBroker
from opentelemetry import context as otel_context
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from servicekit.metrics import (
    OUTBOX_OLDEST_AGE,
    OUTBOX_PENDING,
    OUTBOX_PUBLISH_FAILURES,
    OUTBOX_PUBLISHED,
)
from servicekit.outbox import LANES, Outbox
from servicekit.replay import ClusterId, OutboxReplay
from servicekit.telemetry import context_from_headers
from servicekit.wakeup import Wakeup

log = logging.getLogger(__name__)
# After a failed round: soon, then doubling up to 30 s, whatever the idle poll interval.
FIRST_RETRY_SECONDS = 1.0


class OutboxRelay:
    """Publishes outbox rows in id order per lane, then marks them published (at least once)."""

    def __init__(
        self,
        outbox: Outbox,
        sessions: async_sessionmaker[AsyncSession],
        broker: KafkaBroker,
        *,
        dsn: str,
        topic_prefix: str = "",
        batch_size: int = 500,
        poll_interval: float = 1.0,
        retention: timedelta = timedelta(days=3),
        recover: Callable[[], Awaitable[None]] | None = None,
        cluster_id: ClusterId | None = None,
        replay_window: timedelta = timedelta(hours=6),
        broker_check_interval: float = 10.0,
    ) -> None:
        self.outbox = outbox
        self.sessions = sessions
        self.broker = broker
        self.topic_prefix = topic_prefix
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.retention = retention
        self._recover = recover
        self.replay = OutboxReplay(outbox, sessions, window=replay_window, cluster_id=cluster_id)
        self.broker_check_interval = broker_check_interval
        self._last_broker_check = -float("inf")
        self.wakeup = Wakeup(dsn, outbox.channel)
        self.listening = self.wakeup.listening  # set while NOTIFY can wake the relay
        self._service = outbox.producer
        self._last_housekeeping = 0.0
        # Export the series from the start, so dashboards and alerts see 0, not "no data".
        for metric in (OUTBOX_PENDING, OUTBOX_OLDEST_AGE, OUTBOX_PUBLISH_FAILURES):
            metric.labels(self._service)

    async def run(self) -> None:
        """Relay until cancelled; database or broker outages only delay publishing."""
        listener = asyncio.create_task(self.wakeup.run(), name=f"{self._service}-outbox-listen")
        backoff = self.poll_interval
        recovering = False
        try:
            await self._ensure_lanes()
            while True:
                try:
                    await self._check_broker(recovering)
                    recovering = False
                    await self.publish_pending()
                    await self._housekeeping()
                    backoff = self.poll_interval
                except Exception as exc:
                    OUTBOX_PUBLISH_FAILURES.labels(self._service).inc()
                    backoff = min(backoff * 2, 30.0) if recovering else FIRST_RETRY_SECONDS
                    log.warning("outbox relay failed (%s); retrying in %.1fs", exc, backoff)
                    recovering = True
                # Drained: whatever is committed since notifies, so waiting loses nothing (and
                # saves a pass that finds nothing). A broker that lost data is healed at once.
                if recovering or not self.replay.suspect:
                    await self.wakeup.wait(backoff)
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)

    async def _check_broker(self, recovering: bool) -> None:
        """After a failure or a sign of lost data, and now and then: has the broker lost data?"""
        suspect = recovering or self.replay.suspect
        if suspect and self._recover is not None:
            # A broker that restarted empty has lost its topics, and Tansu acknowledges writes
            # to missing topics: recreate them before publishing (or replaying) anything.
            await self._recover()
        if suspect or time.monotonic() - self._last_broker_check >= self.broker_check_interval:
            await self.replay.heal()
            self._last_broker_check = time.monotonic()

    async def publish_pending(self) -> int:
        """Publish everything pending now; returns how many events were published.

        Stops early at a sign that the broker lost data, so that it is healed first.
        """
        total = 0
        while True:
            count = await self._publish_batch()
            total += count
            if count < self.batch_size or self.replay.suspect:
                return total

    async def _publish_batch(self) -> int:
        table = self.outbox.table
        async with self.sessions() as session, session.begin():
            lanes = (
                (
                    await session.execute(
                        select(self.outbox.lanes.c.lane).with_for_update(skip_locked=True)
                    )
                )
                .scalars()
                .all()
            )
            if not lanes:
                return 0
            rows = (
                await session.execute(
                    select(
                        table.c.id,
                        table.c.topic,
                        table.c.message_key,
                        table.c.envelope,
                        table.c.headers,
                        table.c.event_type,
                    )
                    .where(table.c.published_at.is_(None), table.c.lane.in_(lanes))
                    .order_by(table.c.id)
                    .limit(self.batch_size)
                )
            ).all()
            if not rows:
                return 0
            # Queue all, then await all: per-partition order is kept by the producer.
            confirmations = [await self._send(row) for row in rows]
            self.replay.acknowledged(await asyncio.gather(*confirmations))
            await session.execute(
                update(table)
                .where(table.c.id.in_([row.id for row in rows]))
                .values(published_at=func.now())
            )
        for row in rows:
            OUTBOX_PUBLISHED.labels(self._service, row.topic).inc()
        return len(rows)

    async def _send(self, row: Any) -> asyncio.Future[Any]:
        headers = {**row.headers, "event_type": row.event_type, "content-type": "application/json"}
        # Publish under the trace of the request that staged the event.
        token = otel_context.attach(context_from_headers(row.headers))
        try:
            future: asyncio.Future[Any] = await self.broker.publish(
                json.dumps(row.envelope, separators=(",", ":")).encode(),
                topic=f"{self.topic_prefix}{row.topic}",
                key=row.message_key.encode(),
                headers=headers,
                correlation_id=row.envelope.get("correlation_id") or None,
                no_confirm=True,
            )
        finally:
            otel_context.detach(token)
        return future

    async def _ensure_lanes(self) -> None:
        async with self.sessions() as session, session.begin():
            existing = set((await session.execute(select(self.outbox.lanes.c.lane))).scalars())
            missing = [{"lane": lane} for lane in range(LANES) if lane not in existing]
            if missing:
                await session.execute(self.outbox.lanes.insert(), missing)

    async def _housekeeping(self) -> None:
        """Refresh backlog gauges; prune published rows past retention (every few seconds)."""
        now = time.monotonic()
        if now - self._last_housekeeping < 5.0:
            return
        self._last_housekeeping = now
        table = self.outbox.table
        async with self.sessions() as session, session.begin():
            count, oldest_age = (
                await session.execute(
                    select(
                        func.count(),
                        func.extract("epoch", func.now() - func.min(table.c.created_at)),
                    ).where(table.c.published_at.is_(None))
                )
            ).one()
            await session.execute(
                delete(table).where(table.c.published_at < func.now() - self.retention)
            )
        OUTBOX_PENDING.labels(self._service).set(count)
        OUTBOX_OLDEST_AGE.labels(self._service).set(float(oldest_age or 0.0))
