"""Shift request and response bodies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shifts.schemas import Note, ShiftRole, Span, SpanIn

MAX_SHIFT = timedelta(hours=36)


def check_breaks(
    starts_at: datetime, ends_at: datetime, breaks: list[tuple[datetime, datetime]]
) -> None:
    """Raise ValueError unless the shift is positive and its breaks lie inside it, apart."""
    if ends_at <= starts_at:
        raise ValueError("ends_at must be after starts_at")
    if ends_at - starts_at > MAX_SHIFT:
        raise ValueError("a shift lasts at most 36 hours")
    previous_end = starts_at
    for begins, finishes in sorted(breaks):
        if not previous_end <= begins < finishes <= ends_at:
            raise ValueError("breaks must lie inside the shift, end after they start, not overlap")
        previous_end = finishes


class ShiftCreate(BaseModel):
    """A one-off shift, outside any template."""

    model_config = ConfigDict(extra="forbid")

    clinic_id: UUID
    staff_id: UUID
    role: ShiftRole = "provider"
    starts_at: AwareDatetime = Field(examples=["2026-03-30T08:00:00+01:00"])
    ends_at: AwareDatetime = Field(examples=["2026-03-30T17:00:00+01:00"])
    breaks: list[SpanIn] = Field(default_factory=list, max_length=6)
    note: Note | None = None

    @model_validator(mode="after")
    def _valid(self) -> ShiftCreate:
        check_breaks(self.starts_at, self.ends_at, [(b.starts_at, b.ends_at) for b in self.breaks])
        return self


class ShiftUpdate(BaseModel):
    """New times, breaks or note for one shift; its template is not touched."""

    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    breaks: list[SpanIn] | None = Field(default=None, max_length=6)
    note: Note | None = None


class ShiftCancel(BaseModel):
    """Why a shift is cancelled."""

    model_config = ConfigDict(extra="forbid")

    note: Note | None = None


class ShiftReassign(BaseModel):
    """Give the shift to another staff member who holds its role at the clinic."""

    model_config = ConfigDict(extra="forbid")

    staff_id: UUID
    note: Note | None = None


class ShiftSwap(BaseModel):
    """Exchange staff with another shift: each person works the other's shift."""

    model_config = ConfigDict(extra="forbid")

    shift_id: UUID
    note: Note | None = None


class ShiftRead(BaseModel):
    """A shift; times in the clinic's time zone, with their offset."""

    id: UUID
    clinic_id: UUID
    staff_id: UUID
    staff_name: str | None = Field(description="From identity; null until it is known.")
    role: ShiftRole
    local_date: date = Field(description="Day the shift starts on, in the clinic's zone.")
    starts_at: datetime = Field(examples=["2026-03-30T08:00:00+01:00"])
    ends_at: datetime = Field(examples=["2026-03-30T17:00:00+01:00"])
    breaks: list[Span]
    worked_hours: float = Field(description="Length less breaks, in real hours.")
    status: Literal["scheduled", "cancelled"]
    template_id: UUID | None
    modified: bool = Field(description="Edited, or reassigned, one by one.")
    cancel_reason: str | None
    note: str | None
    updated_at: datetime


class RosterShift(ShiftRead):
    """A shift on a roster, with whether approved leave covers any of it."""

    on_leave: bool


class RosterDay(BaseModel):
    """The shifts starting on one local day."""

    date: date
    shifts: list[RosterShift]


class Roster(BaseModel):
    """A clinic's day or week of shifts, by local day."""

    clinic_id: UUID
    time_zone: str
    first_day: date
    last_day: date
    days: list[RosterDay]
