"""Field types shared by the shifts API's request and response bodies."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from clinic_contracts.shifts import ShiftRole
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

__all__ = ["Clock", "Note", "ShiftRole", "Span", "WholeMinute"]


def _whole_minute(value: time) -> time:
    if value.second or value.microsecond or value.tzinfo is not None:
        raise ValueError("must be a local time in whole minutes, like 08:30")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


WholeMinute = AfterValidator(_whole_minute)
Clock = Annotated[time, WholeMinute, Field(examples=["08:00"])]
Note = Annotated[str, Field(max_length=500, examples=["Covers the antenatal clinic"])]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]


class Span(BaseModel):
    """A range of instants, shown in the clinic's local time with its offset."""

    starts_at: datetime = Field(examples=["2026-03-30T08:00:00+01:00"])
    ends_at: datetime = Field(examples=["2026-03-30T17:00:00+01:00"])


class SpanIn(BaseModel):
    """A range of instants sent by a client; each needs an offset or `Z`."""

    starts_at: AwareDatetime = Field(examples=["2026-03-30T08:00:00+01:00"])
    ends_at: AwareDatetime = Field(examples=["2026-03-30T17:00:00+01:00"])
