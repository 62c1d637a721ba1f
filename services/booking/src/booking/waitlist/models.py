"""Waitlist entries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, DateTime, Index, SmallInteger, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from booking.db import Base

WAITING, OFFERED, BOOKED, CANCELLED, LAPSED = "waiting", "offered", "booked", "cancelled", "lapsed"


class WaitlistEntry(Base):
    """A patient waiting for a slot of a type at a clinic, maybe with one provider, in a window."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint("latest > earliest", name="window"),
        CheckConstraint(
            "status IN ('waiting', 'offered', 'booked', 'cancelled', 'lapsed')", name="status"
        ),
        Index(
            "ix_waitlist_entries_waiting",
            "clinic_id",
            "type_id",
            "created_at",
            postgresql_where=text("status = 'waiting'"),
        ),
        Index("ix_waitlist_entries_patient", "patient_id", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    type_id: Mapped[UUID]
    provider_id: Mapped[UUID | None]
    patient_id: Mapped[UUID]
    earliest: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    latest: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text, server_default=WAITING)
    hold_id: Mapped[UUID | None]
    offers_made: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
