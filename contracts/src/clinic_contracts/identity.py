"""Events published by the identity service: clinics, users and memberships."""

from __future__ import annotations

from functools import cache
from uuid import UUID
from zoneinfo import available_timezones

from pydantic import Field, field_validator

from clinic_contracts.envelope import Event

IDENTITY_TOPIC = "clinic.identity.v1"

# Names in the tz database that are not places: "localtime" is whatever the host says and
# "Factory" is a placeholder zone; a clinic must name a real IANA zone.
_NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_PLACES


def check_time_zone(name: str) -> str:
    """Return the name if it is an IANA time zone known to zoneinfo, else raise ValueError."""
    if name not in _known_time_zones():
        raise ValueError(f"unknown IANA time zone {name!r} (e.g. 'Africa/Nairobi')")
    return name


class ClinicCreated(Event):
    """A clinic was added to the network."""

    event_type = "ClinicCreated"
    topic = IDENTITY_TOPIC
    aggregate_field = "clinic_id"

    clinic_id: UUID = Field(
        description="Id of the new clinic.",
        examples=["5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"],
    )
    name: str = Field(
        min_length=1,
        max_length=200,
        description="Display name of the clinic.",
        examples=["Kibera Community Clinic"],
    )
    time_zone: str = Field(
        description="IANA time zone of the clinic; its slots and reminders use local time.",
        examples=["Africa/Nairobi"],
    )

    @field_validator("time_zone")
    @classmethod
    def _time_zone_is_iana(cls, value: str) -> str:
        return check_time_zone(value)
