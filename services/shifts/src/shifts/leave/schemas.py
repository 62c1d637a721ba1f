"""Leave request and response bodies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal
from uuid import UUID

from clinic_contracts.shifts import LeaveKind
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shifts.schemas import Note

MAX_LEAVE = timedelta(days=366)
LeaveStatus = Literal["requested", "approved", "rejected", "cancelled"]


class LeaveCreate(BaseModel):
    """A leave request: either two instants, or whole local days of the clinic."""

    model_config = ConfigDict(extra="forbid")

    clinic_id: UUID
    staff_id: UUID | None = Field(default=None, description="Default: the caller.")
    kind: LeaveKind
    reason: Note | None = None
    starts_at: AwareDatetime | None = Field(default=None, examples=["2026-12-07T08:00:00+03:00"])
    ends_at: AwareDatetime | None = Field(default=None, examples=["2026-12-07T13:00:00+03:00"])
    first_day: date | None = Field(
        default=None, description="First local day away.", examples=["2026-12-07"]
    )
    last_day: date | None = Field(
        default=None, description="Last local day away (inclusive).", examples=["2026-12-11"]
    )

    @model_validator(mode="after")
    def _one_range(self) -> LeaveCreate:
        no_days = self.first_day is None and self.last_day is None
        no_instants = self.starts_at is None and self.ends_at is None
        if no_days and self.starts_at is not None and self.ends_at is not None:
            fits = timedelta() < self.ends_at - self.starts_at <= MAX_LEAVE
        elif no_instants and self.first_day is not None and self.last_day is not None:
            fits = timedelta() <= self.last_day - self.first_day < MAX_LEAVE
        else:
            raise ValueError("give either starts_at and ends_at, or first_day and last_day")
        if not fits:
            raise ValueError("the leave must end after it starts, at most 366 days later")
        return self


class LeaveDecision(BaseModel):
    """An optional note on approving, rejecting or cancelling leave."""

    model_config = ConfigDict(extra="forbid")

    note: Note | None = None


class AffectedShift(BaseModel):
    """A scheduled shift the leave overlaps, in its own clinic's zone: it needs cover."""

    id: UUID
    clinic_id: UUID
    starts_at: datetime = Field(examples=["2026-12-07T08:00:00+03:00"])
    ends_at: datetime = Field(examples=["2026-12-07T17:00:00+03:00"])


class LeaveRead(BaseModel):
    """Leave; its times in the clinic's time zone, with their offset."""

    id: UUID
    clinic_id: UUID
    staff_id: UUID
    staff_name: str | None = Field(description="From identity; null until it is known.")
    kind: LeaveKind
    starts_at: datetime = Field(examples=["2026-12-07T00:00:00+03:00"])
    ends_at: datetime = Field(examples=["2026-12-12T00:00:00+03:00"], description="Exclusive.")
    status: LeaveStatus
    reason: str | None
    requested_by: UUID
    decided_by: UUID | None
    decided_at: datetime | None
    decision_note: str | None
    cancelled_by: UUID | None
    cancelled_at: datetime | None
    cancel_note: str | None
    created_at: datetime
    updated_at: datetime
    affected_shifts: list[AffectedShift] | None = Field(
        default=None,
        description="The staff member's scheduled shifts, at any clinic, during the leave; "
        "given for one leave (approve, get), null in lists.",
    )
