"""Shift templates: a staff member's weekly hours at one clinic, valid for a span of dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, Date, DateTime, Index, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shifts.db import Base


class ShiftTemplate(Base):
    """Weekly working hours (with breaks) from which the roster's shifts are generated."""

    __tablename__ = "shift_templates"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="validity"),
        Index("ix_shift_templates_clinic", "clinic_id", "staff_id"),
        Index("ix_shift_templates_staff", "staff_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    staff_id: Mapped[UUID]
    role: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    weekly: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    note: Mapped[str | None] = mapped_column(Text)
    generated_until: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
