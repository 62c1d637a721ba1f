"""Appointment types: what can be booked at a clinic, for how long, by whom."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    DateTime,
    Index,
    SmallInteger,
    Text,
    false,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from booking.db import Base


class AppointmentType(Base):
    """A kind of visit; null notice or horizon means the clinic's booking policy applies."""

    __tablename__ = "appointment_types"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration"),
        CheckConstraint("buffer_before_minutes BETWEEN 0 AND 120", name="buffer_before"),
        CheckConstraint("buffer_after_minutes BETWEEN 0 AND 120", name="buffer_after"),
        CheckConstraint("step_minutes IN (5, 10, 15, 20, 30, 60)", name="step"),
        Index("ix_appointment_types_clinic", "clinic_id", "name"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    name: Mapped[str] = mapped_column(Text)
    duration_minutes: Mapped[int] = mapped_column(SmallInteger)
    buffer_before_minutes: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    buffer_after_minutes: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    step_minutes: Mapped[int] = mapped_column(SmallInteger, server_default="15")
    specialties: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    min_notice_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    max_days_ahead: Mapped[int | None] = mapped_column(SmallInteger)
    online_bookable: Mapped[bool] = mapped_column(server_default=true())
    requires_room: Mapped[bool] = mapped_column(server_default=false())
    active: Mapped[bool] = mapped_column(server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
