"""Slot search responses."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field


class SlotProvider(BaseModel):
    """A provider free at a slot."""

    id: UUID
    name: str | None


class Slot(BaseModel):
    """A free start time, in the clinic's zone with its offset, and who is free then."""

    starts_at: datetime = Field(examples=["2027-03-29T09:15:00+01:00"])
    ends_at: datetime = Field(examples=["2027-03-29T09:35:00+01:00"])
    providers: list[SlotProvider]
