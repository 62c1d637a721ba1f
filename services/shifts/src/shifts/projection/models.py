"""What shifts keeps of identity's data: clinics' time zones, staff names and their roles."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, DateTime, Text, func, true
from sqlalchemy.orm import Mapped, mapped_column

from shifts.db import Base


class Clinic(Base):
    """A clinic as identity last described it; its zone turns local hours into instants."""

    __tablename__ = "clinics"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StaffMember(Base):
    """A staff account: its name for rosters, and whether it may still work."""

    __tablename__ = "staff"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())


class StaffRole(Base):
    """A role a staff member holds in a clinic: what shifts they may be given there."""

    __tablename__ = "staff_roles"

    staff_id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(Text, primary_key=True)
    specialty: Mapped[str | None] = mapped_column(Text)
