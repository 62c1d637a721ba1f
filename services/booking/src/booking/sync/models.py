"""Sync tables: the change log devices pull from, pushed mutations' outcomes, the conflict inbox.

The change log and the clinic's patient directory are written by triggers (migration 0006),
never by this code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Identity,
    Index,
    Text,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import UniqueConstraint

from booking.db import Base


class ClinicPatient(Base):
    """A patient in a clinic's directory: booked there once, or named by its devices."""

    __tablename__ = "clinic_patients"

    clinic_id: Mapped[UUID] = mapped_column(primary_key=True)
    patient_id: Mapped[UUID] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SyncChange(Base):
    """A row a clinic's devices keep changed (or went): entity and id, in the writer's txid."""

    __tablename__ = "sync_changes"
    __table_args__ = (
        Index("ix_sync_changes_clinic_txid", "clinic_id", "txid"),
        Index("ix_sync_changes_changed_at", "changed_at"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    clinic_id: Mapped[UUID]
    entity: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[UUID]
    txid: Mapped[int] = mapped_column(
        BigInteger, server_default=func.pg_current_xact_id().cast(Text).cast(BigInteger)
    )
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SyncMutation(Base):
    """The outcome of one pushed mutation, by device and mutation id. Append-only."""

    __tablename__ = "sync_mutations"
    __table_args__ = (
        CheckConstraint("status IN ('applied', 'conflict', 'rejected', 'blocked')", name="status"),
    )

    device_id: Mapped[UUID] = mapped_column(primary_key=True)
    mutation_id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    user_id: Mapped[UUID]
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    content_hash: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    creates: Mapped[UUID | None]
    outcome: Mapped[dict[str, Any]] = mapped_column(JSONB)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OfflineConflict(Base):
    """A booking or move made offline whose time was taken meanwhile, until staff resolve it."""

    __tablename__ = "offline_conflicts"
    __table_args__ = (
        CheckConstraint("kind IN ('book', 'reschedule')", name="kind"),
        CheckConstraint(
            "(status = 'open' AND resolution IS NULL)"
            " OR (status = 'resolved' AND resolution IN ('booked', 'waitlisted', 'cancelled'))",
            name="resolution",
        ),
        UniqueConstraint("device_id", "mutation_id", name="uq_offline_conflicts_mutation"),
        Index("ix_offline_conflicts_clinic", "clinic_id", "status", "created_at", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    device_id: Mapped[UUID]
    mutation_id: Mapped[UUID]
    kind: Mapped[str] = mapped_column(Text)
    appointment_id: Mapped[UUID]
    patient_id: Mapped[UUID]
    type_id: Mapped[UUID]
    provider_id: Mapped[UUID | None]
    room_id: Mapped[UUID | None]
    walk_in: Mapped[bool] = mapped_column(server_default=false())
    note: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    problem: Mapped[dict[str, Any]] = mapped_column(JSONB)
    alternatives: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(Text, server_default="open")
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[UUID | None]
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
