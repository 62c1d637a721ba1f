"""Shifts: who works where, from when to when; the database refuses overlapping ones."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, TSTZRANGE, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import Computed

from shifts.db import Base

SCHEDULED, CANCELLED = "scheduled", "cancelled"
NO_OVERLAP = "ex_shifts_staff_no_overlap"


class Shift(Base):
    """One shift of one staff member, starting on `local_date` in the clinic's zone.

    A generated shift stands for its template's `planned_slot`-th range (by start) on
    `planned_day`;
    once edited or reassigned it is `modified`, and template changes leave it alone.
    """

    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="positive"),
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="status"),
        ExcludeConstraint(
            ("staff_id", "="),
            ("during", "&&"),
            name=NO_OVERLAP,
            using="gist",
            where="status = 'scheduled'",
        ),
        UniqueConstraint(
            "template_id", "planned_day", "planned_slot", name="uq_shifts_template_occurrence"
        ),
        Index("ix_shifts_clinic_during", "clinic_id", "during", postgresql_using="gist"),
        Index("ix_shifts_template", "template_id", "planned_day"),
        Index("ix_shifts_staff_start", "staff_id", "starts_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    staff_id: Mapped[UUID]
    role: Mapped[str] = mapped_column(Text)
    template_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("shift_templates.id", ondelete="SET NULL")
    )
    local_date: Mapped[date] = mapped_column(Date)
    planned_day: Mapped[date | None] = mapped_column(Date)
    planned_slot: Mapped[int | None] = mapped_column(SmallInteger)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    during: Mapped[Any] = mapped_column(
        TSTZRANGE, Computed("tstzrange(starts_at, ends_at)", persisted=True)
    )
    breaks: Mapped[list[dict[str, str]]] = mapped_column(JSONB, server_default="[]")
    status: Mapped[str] = mapped_column(Text, server_default=SCHEDULED)
    modified: Mapped[bool] = mapped_column(server_default=false())
    note: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
