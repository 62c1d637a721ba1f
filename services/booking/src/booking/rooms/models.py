"""Rooms of a clinic; appointments reserve them (see appointments.models)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, Text, UniqueConstraint, func, true
from sqlalchemy.orm import Mapped, mapped_column

from booking.db import Base

ROOM_NAME_TAKEN = "uq_rooms_clinic_name"


class Room(Base):
    """A room (or other bookable resource) at a clinic."""

    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("clinic_id", "name", name=ROOM_NAME_TAKEN),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    name: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
