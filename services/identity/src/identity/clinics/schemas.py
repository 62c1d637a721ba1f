"""Clinic request and response bodies."""

from datetime import datetime
from uuid import UUID
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

_ZONES = frozenset(available_timezones())


class ClinicCreate(BaseModel):
    """A new clinic."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["Kibera Health Centre"])
    time_zone: str = Field(description="IANA time zone", examples=["Africa/Nairobi"])

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in _ZONES:
            raise ValueError("must be an IANA time zone such as Europe/London")
        return value


class ClinicRead(BaseModel):
    """A clinic as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    time_zone: str
    created_at: datetime
