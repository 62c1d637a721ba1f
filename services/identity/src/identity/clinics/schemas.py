"""Clinic request and response bodies."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Annotated
from uuid import UUID

from clinic_contracts.identity import BookingPolicy, OpeningPeriod, check_time_zone
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from identity.schemas import Phone

ClinicName = Annotated[
    str,
    Field(min_length=1, max_length=200, examples=["Kibera Health Centre"]),
    AfterValidator(lambda v: _not_blank(v)),
]
TimeZone = Annotated[
    str,
    Field(description="IANA time zone", examples=["Africa/Nairobi"]),
    AfterValidator(check_time_zone),
]
Address = Annotated[str, Field(max_length=500, examples=["Olympic Estate, Nairobi"])]
OpeningHours = Annotated[
    list[OpeningPeriod],
    Field(max_length=70, description="Weekly opening periods in the clinic's local time."),
]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


def _no_overlaps(periods: list[OpeningPeriod]) -> None:
    by_day = sorted(periods, key=lambda p: (p.day, p.opens))
    for earlier, later in itertools.pairwise(by_day):
        if earlier.day == later.day and later.opens < earlier.closes:
            raise ValueError(f"opening periods overlap on {later.day}")


class ClinicCreate(BaseModel):
    """A new clinic."""

    model_config = ConfigDict(extra="forbid")

    name: ClinicName
    time_zone: TimeZone
    address: Address | None = None
    phone: Phone | None = None
    opening_hours: OpeningHours = Field(default_factory=list)
    booking_policy: BookingPolicy = Field(default_factory=BookingPolicy)

    @model_validator(mode="after")
    def _hours(self) -> ClinicCreate:
        _no_overlaps(self.opening_hours)
        return self


class ClinicUpdate(BaseModel):
    """Changes to a clinic; omitted fields stay, `null` clears address and phone."""

    model_config = ConfigDict(extra="forbid")

    name: ClinicName | None = None
    time_zone: TimeZone | None = None
    address: Address | None = None
    phone: Phone | None = None
    opening_hours: OpeningHours | None = None
    booking_policy: BookingPolicy | None = None

    @model_validator(mode="after")
    def _hours(self) -> ClinicUpdate:
        _no_overlaps(self.opening_hours or [])
        for required in ("name", "time_zone", "opening_hours", "booking_policy"):
            if required in self.model_fields_set and getattr(self, required) is None:
                raise ValueError(f"{required} cannot be null")
        return self


class ClinicRead(BaseModel):
    """A clinic as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    time_zone: str
    address: str | None
    phone: str | None
    opening_hours: list[OpeningPeriod]
    booking_policy: BookingPolicy
    created_at: datetime
    updated_at: datetime
