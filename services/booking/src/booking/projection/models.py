"""What booking keeps of other services' data: clinics, providers, their shifts and leave."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Index, Text, func, true
from sqlalchemy.dialects.postgresql import JSONB, TSTZRANGE
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import Computed

from booking.db import Base


class Clinic(Base):
    """A clinic as identity last described it: its zone and booking policy."""

    __tablename__ = "clinics"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(Text)
    booking_policy: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StaffRole(Base):
    """A role a staff member holds at a clinic (with a provider's specialty)."""

    __tablename__ = "staff_roles"
    __table_args__ = (Index("ix_staff_roles_clinic", "clinic_id", "role"),)

    staff_id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(Text, primary_key=True)
    specialty: Mapped[str | None] = mapped_column(Text)


class StaffMember(Base):
    """A staff account's name, and whether it may still be booked."""

    __tablename__ = "staff"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(server_default=true())


class ShiftWindow(Base):
    """A scheduled shift as shifts published it; cancelled ones are deleted."""

    __tablename__ = "shift_windows"
    __table_args__ = (
        Index("ix_shift_windows_staff_during", "staff_id", "during", postgresql_using="gist"),
        Index("ix_shift_windows_clinic_during", "clinic_id", "during", postgresql_using="gist"),
    )

    shift_id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    staff_id: Mapped[UUID]
    role: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    during: Mapped[Any] = mapped_column(
        TSTZRANGE, Computed("tstzrange(starts_at, ends_at)", persisted=True)
    )
    breaks: Mapped[list[dict[str, str]]] = mapped_column(JSONB, server_default="[]")


class LeaveWindow(Base):
    """Approved leave of a staff member, at every clinic."""

    __tablename__ = "leave_windows"
    __table_args__ = (
        Index("ix_leave_windows_staff_during", "staff_id", "during", postgresql_using="gist"),
    )

    leave_id: Mapped[UUID] = mapped_column(primary_key=True)
    staff_id: Mapped[UUID]
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    during: Mapped[Any] = mapped_column(
        TSTZRANGE, Computed("tstzrange(starts_at, ends_at)", persisted=True)
    )


class Patient(Base):
    """A patient's name and phone, for the front desk devices' directory (sync)."""

    __tablename__ = "patients"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(server_default=true())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
