"""The appointments table: PostgreSQL's exclusion constraints, not checks, forbid double booking.

A hold is an appointment row in FHIR's `pending` status with an expiry, so one constraint
keeps holds and appointments apart. Its blocked range (the visit plus the provider's
buffers) is what the provider and room constraints compare; the patient's compares the
visit itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Identity, Index, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, TSTZRANGE, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import Computed

from booking.db import Base

ACTIVE = ("pending", "booked", "arrived", "checked-in")
"""Statuses that occupy time; the constraints below list them again, as SQL."""
_ACTIVE_SQL = "status IN ('pending', 'booked', 'arrived', 'checked-in')"

PROVIDER_BUSY = "ex_appointments_provider_busy"
ROOM_BUSY = "ex_appointments_room_busy"
PATIENT_BUSY = "ex_appointments_patient_busy"


class Appointment(Base):
    """A visit (or a hold on one) of a patient with a provider, maybe in a room."""

    __tablename__ = "appointments"
    __table_args__ = (
        ExcludeConstraint(
            ("provider_id", "="),
            ("blocked", "&&"),
            name=PROVIDER_BUSY,
            using="gist",
            where=text(f"{_ACTIVE_SQL} AND NOT overbooked"),
        ),
        ExcludeConstraint(
            ("room_id", "="),
            ("blocked", "&&"),
            name=ROOM_BUSY,
            using="gist",
            where=text(f"{_ACTIVE_SQL} AND room_id IS NOT NULL"),
        ),
        ExcludeConstraint(
            ("patient_id", "="),
            ("during", "&&"),
            name=PATIENT_BUSY,
            using="gist",
            where=text(f"{_ACTIVE_SQL} AND patient_id IS NOT NULL"),
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "blocked_from <= starts_at AND blocked_until >= ends_at", name="blocked_covers_visit"
        ),
        CheckConstraint("(status = 'pending') = (hold_expires_at IS NOT NULL)", name="hold"),
        CheckConstraint("NOT overbooked OR overbook_reason IS NOT NULL", name="overbook_reason"),
        CheckConstraint(
            "origin IN ('online', 'offline') AND (origin = 'offline') = (device_id IS NOT NULL)",
            name="origin",
        ),
        Index("ix_appointments_clinic_starts", "clinic_id", "starts_at", "id"),
        Index("ix_appointments_patient_starts", "patient_id", "starts_at", "id"),
        Index("ix_appointments_provider_starts", "provider_id", "starts_at", "id"),
        Index(
            "ix_appointments_hold_expiry",
            "hold_expires_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    type_id: Mapped[UUID]
    provider_id: Mapped[UUID]
    patient_id: Mapped[UUID | None]
    room_id: Mapped[UUID | None]
    status: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    during: Mapped[Any] = mapped_column(
        TSTZRANGE, Computed("tstzrange(starts_at, ends_at)", persisted=True)
    )
    blocked: Mapped[Any] = mapped_column(
        TSTZRANGE, Computed("tstzrange(blocked_from, blocked_until)", persisted=True)
    )
    hold_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    waitlist_entry_id: Mapped[UUID | None]
    booked_by: Mapped[str | None] = mapped_column(Text)
    walk_in: Mapped[bool] = mapped_column(server_default=text("false"))
    overbooked: Mapped[bool] = mapped_column(server_default=text("false"))
    overbook_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    booked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by: Mapped[UUID | None]
    cancelled_by_party: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    needs_reschedule: Mapped[bool] = mapped_column(server_default=text("false"))
    needs_reschedule_reason: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(Text, server_default="online")
    device_id: Mapped[UUID | None]
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AppointmentHistory(Base):
    """Every change to an appointment: who, what, when, from where. Append-only."""

    __tablename__ = "appointment_history"
    __table_args__ = (Index("ix_appointment_history_appointment", "appointment_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    appointment_id: Mapped[UUID]
    clinic_id: Mapped[UUID]
    action: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[UUID | None]
    client_address: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
