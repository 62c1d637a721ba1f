"""Healing a broker that came back without its data: the outbox publishes its recent past again.

An in-memory broker (the local stack's Tansu) that restarts has lost every message it had
acknowledged, consumed or not. Two signs reveal it: the broker announces another cluster id
than the one this schema's events were last published to (recorded in the schema, so a
restarted service notices too), or it acknowledges an offset at or below one it had already
acknowledged in that partition (the log went backwards). Either way the rows published within
the replay window are marked unpublished again, under every lane lock, and the relay's normal
path publishes them in id order per lane, so in order per aggregate; idempotent consumers skip
what they had applied. Durable Apache Kafka keeps its cluster id and its offsets: nothing is
ever replayed there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from servicekit.metrics import OUTBOX_REPLAYED, OUTBOX_REPLAYS
from servicekit.outbox import Outbox

log = logging.getLogger(__name__)

ClusterId = Callable[[], Awaitable[str | None]]


class OutboxReplay:
    """Watches for signs that the broker lost published events and marks them for publishing."""

    def __init__(
        self,
        outbox: Outbox,
        sessions: async_sessionmaker[AsyncSession],
        *,
        window: timedelta,
        cluster_id: ClusterId | None = None,
    ) -> None:
        self.outbox = outbox
        self.sessions = sessions
        self.window = window
        self._cluster_id = cluster_id
        self._service = outbox.producer
        self._known_cluster: str | None = None  # as this process last saw it
        self._highest: dict[tuple[str, int], int] = {}
        self._regression: str | None = None
        for reason in ("cluster_id", "offsets"):
            OUTBOX_REPLAYS.labels(self._service, reason)
        OUTBOX_REPLAYED.labels(self._service)

    @property
    def suspect(self) -> bool:
        """An acknowledged offset went backwards; `heal()` has not looked into it yet."""
        return self._regression is not None

    def acknowledged(self, acks: Iterable[Any]) -> None:
        """Note the producer's acknowledgements (RecordMetadata), in the order they were sent."""
        for ack in acks:
            partition = (ack.topic, ack.partition)
            highest = self._highest.get(partition)
            if highest is not None and ack.offset <= highest and self._regression is None:
                self._regression = (
                    f"{ack.topic}[{ack.partition}] acknowledged offset {ack.offset} after {highest}"
                )
            self._highest[partition] = ack.offset

    async def heal(self) -> int:
        """Check the broker's identity and any offset regression; replay if data was lost.

        Returns how many events were marked for publishing again (0: nothing was lost).
        """
        current = await self._cluster_id() if self._cluster_id is not None else None
        known = self._known_cluster
        if self._regression is None and current in (None, known):
            return 0  # the usual case, decided without the database
        async with self.sessions() as session, session.begin():
            reason, detail = await self._loss(session, current, known)
            count = await self._unpublish(session) if reason else 0
        # Only now: had the database failed, the next check must see the change again.
        self._known_cluster, self._regression = current, None
        if reason or current != known:
            self._highest.clear()  # a new log: its offsets start again
        if reason:
            OUTBOX_REPLAYS.labels(self._service, reason).inc()
            OUTBOX_REPLAYED.labels(self._service).inc(count)
            log.warning(
                "the broker lost published events (%s); publishing again the %d events "
                "published in the last %s",
                detail,
                count,
                self.window,
            )
        return count

    async def _loss(
        self, session: AsyncSession, current: str | None, known: str | None
    ) -> tuple[str, str] | tuple[None, None]:
        """Why events must be published again, if they must: (reason label, detail)."""
        if current is not None:
            table = self.outbox.broker
            # Locked: of replicas noticing the same new broker at once, one replays.
            recorded = await session.scalar(
                select(table.c.cluster_id).where(table.c.id == 1).with_for_update()
            )
            if recorded is None:  # the first broker this schema ever published to
                await session.execute(
                    insert(table).values(id=1, cluster_id=current).on_conflict_do_nothing()
                )
            elif recorded != current:
                await session.execute(
                    update(table)
                    .where(table.c.id == 1)
                    .values(cluster_id=current, recorded_at=func.now())
                )
                return "cluster_id", f"cluster id {recorded!r} became {current!r}"
            elif known not in (None, current):
                return None, None  # another replica already replayed for this broker
        if self._regression is not None:
            return "offsets", self._regression
        return None, None

    async def _unpublish(self, session: AsyncSession) -> int:
        # Every lane, waiting for batches in flight: one that is publishing now would
        # otherwise mark its rows published after they were made pending again.
        lanes = self.outbox.lanes
        await session.execute(select(lanes.c.lane).order_by(lanes.c.lane).with_for_update())
        table = self.outbox.table
        result = await session.execute(
            update(table)
            .where(table.c.published_at >= func.now() - self.window)
            .values(published_at=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
