"""Coverage request and response bodies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from clinic_contracts.identity import Weekday
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from shifts.schemas import ShiftRole

# Numbers in JSON, not the strings pydantic gives decimals, like every other hours field.
Hours = Annotated[
    Decimal,
    Field(gt=0, le=1200, max_digits=6, decimal_places=2, examples=[16]),
    PlainSerializer(float, return_type=float, when_used="json"),
]


class Minimum(BaseModel):
    """At least `hours` staffed hours of `role` on every `day` of the week."""

    model_config = ConfigDict(extra="forbid")

    role: ShiftRole = Field(examples=["provider"])
    day: Weekday = Field(examples=["mon"])
    hours: Hours


class Minimums(BaseModel):
    """A clinic's minimum staffing; sent whole, it replaces what was there."""

    model_config = ConfigDict(extra="forbid")

    minimums: list[Minimum] = Field(max_length=21, description="At most one per role and day.")

    @model_validator(mode="after")
    def _unique(self) -> Minimums:
        seen: set[tuple[str, str]] = set()
        for minimum in self.minimums:
            key = (minimum.role, minimum.day)
            if key in seen:
                raise ValueError(f"{minimum.role} on {minimum.day} is given more than once")
            seen.add(key)
        return self


class MinimumsRead(Minimums):
    """A clinic's minimum staffing, by role then weekday."""

    clinic_id: UUID


class RoleCoverage(BaseModel):
    """One role's staffed hours on one local day against its minimum."""

    role: ShiftRole
    staffed_hours: float = Field(description="Shift time that day, less breaks and leave.")
    minimum_hours: float = Field(description="0 when no minimum is set.")
    gap_hours: float = Field(description="Hours short of the minimum; 0 when met.")
    short: bool


class DayCoverage(BaseModel):
    """Coverage of every role on one local day."""

    date: date
    day: Weekday
    closed: bool = Field(
        default=False, description="A closure day: no minimums apply, no shifts are planned."
    )
    short: bool = Field(description="Some role is short of its minimum.")
    roles: list[RoleCoverage]


class ShortDay(BaseModel):
    """A day with some role short of its minimum, and by how much in all."""

    date: date
    gap_hours: float
    roles: list[ShiftRole] = Field(description="The roles that are short.")


class Coverage(BaseModel):
    """A clinic's staffed hours per local day and role, against its minimums."""

    clinic_id: UUID
    time_zone: str
    first_day: date
    last_day: date
    days: list[DayCoverage]
    short_days: list[ShortDay] = Field(description="Days with any gap, earliest first.")
    total_gap_hours: float
