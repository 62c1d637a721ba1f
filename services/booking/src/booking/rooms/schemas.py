"""Room request and response bodies."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from booking.types.schemas import Name


class RoomCreate(BaseModel):
    """A new room at a clinic."""

    model_config = ConfigDict(extra="forbid")

    clinic_id: UUID
    name: Name = Field(examples=["Room 2"])


class RoomUpdate(BaseModel):
    """Rename a room, or take it out of (or back into) use."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    active: bool | None = None


class RoomRead(BaseModel):
    """A room."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    clinic_id: UUID
    name: str
    active: bool
    created_at: datetime
