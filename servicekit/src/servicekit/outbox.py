"""Transactional outbox: an event is staged in the same transaction as the state change."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from uuid import UUID

from asgi_correlation_id import correlation_id
from clinic_contracts.envelope import Event, EventEnvelope, new_envelope
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    SmallInteger,
    Table,
    Text,
    Uuid,
    bindparam,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.telemetry import current_trace_headers

# Events of one aggregate always fall in one lane; a relay holds a lane exclusively while
# publishing it, which keeps per-aggregate order with any number of relay replicas.
LANES = 16


# The outbox columns a plain-SQL write stages an event in, with their SQL types.
_STAGED = (
    ("event_id", "uuid"),
    ("topic", "text"),
    ("message_key", "text"),
    ("lane", "smallint"),
    ("event_type", "text"),
    ("envelope", "jsonb"),
    ("headers", "jsonb"),
)


def lane_of(key: str) -> int:
    """The lane of an aggregate key (stable across processes and Python versions)."""
    return zlib.crc32(key.encode()) % LANES


class Outbox:
    """The outbox, lane, broker and processed-event tables of one service schema, and staging."""

    def __init__(self, metadata: MetaData, *, producer: str) -> None:
        self.producer = producer
        self.schema = metadata.schema or "public"
        self.channel = f"{self.schema}_outbox"
        self.table = Table(
            "outbox",
            metadata,
            Column("id", BigInteger, Identity(), primary_key=True),
            Column("event_id", Uuid, nullable=False, unique=True),
            Column("topic", Text, nullable=False),
            Column("message_key", Text, nullable=False),
            Column("lane", SmallInteger, nullable=False),
            Column("event_type", Text, nullable=False),
            Column("envelope", JSONB, nullable=False),
            Column("headers", JSONB, nullable=False),
            Column(
                "created_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
            Column("published_at", DateTime(timezone=True)),
            Index("ix_outbox_pending", "lane", "id", postgresql_where=text("published_at IS NULL")),
        )
        self.lanes = Table("outbox_lanes", metadata, Column("lane", SmallInteger, primary_key=True))
        # One row: the cluster id of the broker this schema's events were last published to.
        self.broker = Table(
            "outbox_broker",
            metadata,
            Column("id", SmallInteger, primary_key=True, autoincrement=False),
            Column("cluster_id", Text, nullable=False),
            Column(
                "recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
            CheckConstraint("id = 1", name="single_row"),
        )
        # One round trip for the row and the wake-up, built once: staging is on every write path.
        self._stage_one = text(
            f"WITH staged AS (INSERT INTO {self.schema}.outbox"  # noqa: S608 (our schema)
            " (event_id, topic, message_key, lane, event_type, envelope, headers)"
            " VALUES (:event_id, :topic, :message_key, :lane, :event_type, :envelope, :headers))"
            " SELECT pg_notify(:channel, '')"
        ).bindparams(
            bindparam("event_id", type_=Uuid()),
            bindparam("envelope", type_=JSONB()),
            bindparam("headers", type_=JSONB()),
        )
        self.processed = Table(
            "processed_events",
            metadata,
            Column("consumer_group", Text, primary_key=True),
            Column("event_id", Uuid, primary_key=True),
            Column(
                "processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
        )

    async def stage(
        self,
        session: AsyncSession,
        event: Event,
        *,
        aggregate_id: str | UUID | None = None,
        clinic_id: UUID | None = None,
    ) -> EventEnvelope:
        """Write the event to the outbox in the caller's transaction; the relay publishes it."""
        envelope = self._envelope(event, aggregate_id, clinic_id)
        # The notification is delivered at commit, not at all on rollback: it wakes the relay
        # without polling.
        connection = await session.connection()
        await connection.execute(
            self._stage_one, self._row(envelope, event.topic) | {"channel": self.channel}
        )
        return envelope

    def staging(self, source: str, first: int) -> str:
        """A statement staging one event for each row of `source`, another CTE of the same
        plain-SQL statement: a write and its event in one round trip. Its parameters, numbered
        from `$first`, are `staging_args`; the statement wakes the relay with `notify`."""
        columns = ", ".join(name for name, _ in _STAGED)
        places = ", ".join(f"${first + n}::{kind}" for n, (_, kind) in enumerate(_STAGED))
        return (
            f"INSERT INTO {self.schema}.outbox ({columns})"  # noqa: S608 (ours, numbered places)
            f" SELECT {places} FROM {source}"
        )

    @property
    def notify(self) -> str:
        """The call that wakes the relay at commit, for a plain-SQL statement that stages."""
        return f"pg_notify('{self.channel}', '')"

    def staging_args(
        self, event: Event, *, aggregate_id: str | UUID | None = None
    ) -> tuple[object, ...]:
        """The parameters of `staging` for `event` (JSON as text, as the driver takes it)."""
        row = self._row(self._envelope(event, aggregate_id, None), event.topic)
        return tuple(
            json.dumps(row[name]) if kind == "jsonb" else row[name] for name, kind in _STAGED
        )

    def _envelope(
        self, event: Event, aggregate_id: str | UUID | None, clinic_id: UUID | None
    ) -> EventEnvelope:
        key = str(aggregate_id) if aggregate_id is not None else event.aggregate_id()
        return new_envelope(
            event,
            producer=self.producer,
            aggregate_id=key,
            clinic_id=clinic_id,
            correlation_id=correlation_id.get(),
        )

    async def stage_many(self, session: AsyncSession, events: Sequence[Event]) -> None:
        """Stage many events in one statement, each keyed by its own aggregate id."""
        if not events:
            return
        request = correlation_id.get()
        rows = [
            self._row(new_envelope(e, producer=self.producer, correlation_id=request), e.topic)
            for e in events
        ]
        await session.execute(insert(self.table), rows)
        await session.execute(select(func.pg_notify(self.channel, "")))

    @staticmethod
    def _row(envelope: EventEnvelope, topic: str) -> dict[str, object]:
        return {
            "event_id": envelope.event_id,
            "topic": topic,
            "message_key": envelope.aggregate_id,
            "lane": lane_of(envelope.aggregate_id),
            "event_type": envelope.event_type,
            "envelope": envelope.model_dump(mode="json"),
            "headers": current_trace_headers(),
        }
