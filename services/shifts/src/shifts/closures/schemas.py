"""Closure request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shifts.schemas import Name

MAX_DAYS = 366

ClosureKind = Literal["public_holiday", "closure"]


class ClosureCreate(BaseModel):
    """Whole local days a clinic is closed, `first_day` to `last_day` inclusive."""

    model_config = ConfigDict(extra="forbid")

    first_day: date = Field(examples=["2026-12-25"])
    last_day: date = Field(examples=["2026-12-26"])
    name: Name = Field(examples=["Christmas"])
    kind: ClosureKind = "public_holiday"

    @model_validator(mode="after")
    def _valid(self) -> ClosureCreate:
        if self.last_day < self.first_day:
            raise ValueError("last_day must not be before first_day")
        if (self.last_day - self.first_day).days + 1 > MAX_DAYS:
            raise ValueError(f"a closure lasts at most {MAX_DAYS} days")
        return self


class ClosureRead(BaseModel):
    """A closure: no shifts are worked at the clinic on these local days."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    clinic_id: UUID
    first_day: date
    last_day: date
    name: str
    kind: ClosureKind
    created_by: UUID | None
    created_at: datetime


class ClosureCreated(ClosureRead):
    """A new closure, with how many shifts it took off the roster."""

    cancelled_shifts: int = Field(
        description="Scheduled shifts starting on these days that were cancelled."
    )
