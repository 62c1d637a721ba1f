"""Shift template request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from clinic_contracts.identity import WEEKDAYS, Weekday
from pydantic import BaseModel, ConfigDict, Field, model_validator

from shifts.schemas import Clock, Note, ShiftRole
from shifts.templates.rules import Break, InvalidWeek, WeeklyRange, check_week


class BreakHours(BaseModel):
    """A break inside a day's working hours, local time."""

    model_config = ConfigDict(extra="forbid")

    starts: Clock
    ends: Clock = Field(examples=["13:00"])


class DayHours(BaseModel):
    """Working hours on a weekday, local time; `ends` at or before `starts` runs overnight."""

    model_config = ConfigDict(extra="forbid")

    day: Weekday = Field(examples=["mon"])
    starts: Clock
    ends: Clock = Field(examples=["17:00"])
    breaks: list[BreakHours] = Field(default_factory=list, max_length=6)

    def as_range(self) -> WeeklyRange:
        """The pure-rules form of these hours."""
        breaks = tuple(Break(b.starts, b.ends) for b in self.breaks)
        return WeeklyRange(WEEKDAYS.index(self.day), self.starts, self.ends, breaks)


Week = Annotated[
    list[DayHours],
    Field(
        min_length=1,
        max_length=42,
        description="Working hours per weekday; several ranges a day are allowed.",
    ),
]


def weekly_ranges(week: list[dict[str, Any]] | list[DayHours]) -> list[WeeklyRange]:
    """Stored or received weekly hours as rules ranges."""
    return [DayHours.model_validate(day).as_range() for day in week]


def _checked(week: list[DayHours] | None) -> None:
    if week is not None:
        try:
            check_week([day.as_range() for day in week])
        except InvalidWeek as exc:
            raise ValueError(str(exc)) from exc


class TemplateCreate(BaseModel):
    """A staff member's weekly hours at a clinic, from `valid_from` until `valid_until`."""

    model_config = ConfigDict(extra="forbid")

    clinic_id: UUID
    staff_id: UUID
    role: ShiftRole = "provider"
    valid_from: date
    valid_until: date | None = None
    weekly: Week
    note: Note | None = None

    @model_validator(mode="after")
    def _valid(self) -> TemplateCreate:
        _checked(self.weekly)
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("valid_until must not be before valid_from")
        return self


class TemplateUpdate(BaseModel):
    """Changes to a template; future shifts follow, except ones edited individually."""

    model_config = ConfigDict(extra="forbid")

    valid_from: date | None = None
    valid_until: date | None = None
    weekly: Week | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _valid(self) -> TemplateUpdate:
        _checked(self.weekly)
        for required in ("valid_from", "weekly"):
            if required in self.model_fields_set and getattr(self, required) is None:
                raise ValueError(f"{required} cannot be null")
        return self


class SyncSummary(BaseModel):
    """What a template change did to the roster."""

    scheduled: int = Field(description="Shifts added.")
    changed: int = Field(description="Shifts whose times or breaks changed.")
    removed: int = Field(description="Shifts the template no longer has.")
    kept: int = Field(description="Shifts edited or cancelled one by one, left as they are.")


class TemplateRead(BaseModel):
    """A shift template."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    clinic_id: UUID
    staff_id: UUID
    role: ShiftRole
    valid_from: date
    valid_until: date | None
    weekly: list[DayHours]
    note: str | None
    generated_until: date | None = Field(description="Last local day shifts exist for.")
    created_at: datetime
    updated_at: datetime
    sync: SyncSummary | None = Field(
        default=None, description="On create and update: what happened to the roster."
    )
