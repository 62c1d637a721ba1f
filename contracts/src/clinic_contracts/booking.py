"""Events published by the booking service: the lifecycle of appointments and the waitlist.

Every appointment event carries the whole appointment as it stands after the change (who,
where, when, in which zone), so notify can word a message and reporting can count it without
a look-up. Times travel in UTC; `time_zone` says how the clinic reads them.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field, field_validator

from clinic_contracts.envelope import Event, to_utc
from clinic_contracts.identity import check_time_zone

BOOKING_TOPIC = "clinic.booking.v1"

AppointmentStatus = Literal[
    "proposed",
    "pending",
    "booked",
    "arrived",
    "fulfilled",
    "cancelled",
    "noshow",
    "entered-in-error",
    "checked-in",
    "waitlist",
]
"""FHIR R4 Appointment.status, code for code."""

Party = Literal["patient", "clinic"]

_APPOINTMENT_ID = "4c2a9e7b-1d3f-4b6a-8c5e-9f0a1b2c3d4e"
_CLINIC_ID = "5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"
_PATIENT_ID = "8e7d6c5b-4a3f-4e2d-9c1b-0a9f8e7d6c5b"
_PROVIDER_ID = "9a7b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
_TYPE_ID = "6f5e4d3c-2b1a-4f0e-9d8c-7b6a5f4e3d2c"
_ACTOR_ID = "7c6d5e4f-3a2b-4c1d-9e8f-7a6b5c4d3e2f"
_ENTRY_ID = "3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d"
_ROOM_ID = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"


class _Timed(Event):
    starts_at: AwareDatetime = Field(
        description="Start of the visit, UTC.", examples=["2026-03-30T08:00:00Z"]
    )
    ends_at: AwareDatetime = Field(
        description="End of the visit (without buffers), UTC.", examples=["2026-03-30T08:20:00Z"]
    )
    time_zone: str = Field(description="IANA time zone of the clinic.", examples=["Africa/Nairobi"])

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _in_utc(cls, value: AwareDatetime) -> AwareDatetime:
        return to_utc(value)

    @field_validator("time_zone")
    @classmethod
    def _time_zone_is_iana(cls, value: str) -> str:
        return check_time_zone(value)


class _Appointment(_Timed):
    aggregate_field = "appointment_id"
    topic = BOOKING_TOPIC

    appointment_id: UUID = Field(description="Id of the appointment.", examples=[_APPOINTMENT_ID])
    clinic_id: UUID = Field(description="Clinic of the visit.", examples=[_CLINIC_ID])
    patient_id: UUID = Field(description="Patient's user id.", examples=[_PATIENT_ID])
    provider_id: UUID = Field(description="Provider who sees the patient.", examples=[_PROVIDER_ID])
    type_id: UUID = Field(description="Appointment type.", examples=[_TYPE_ID])
    type_name: str = Field(description="Name of the type.", examples=["General consultation"])
    room_id: UUID | None = Field(
        default=None, description="Room reserved, if any.", examples=[_ROOM_ID]
    )
    status: AppointmentStatus = Field(
        description="FHIR R4 status after the change.", examples=["booked"]
    )
    actor_id: UUID | None = Field(
        default=None,
        description="User whose request made the change; null when the service did it.",
        examples=[_ACTOR_ID],
    )


class AppointmentBooked(_Appointment):
    """An appointment was booked (online, at the desk, as a walk-in, or from the waitlist)."""

    event_type = "AppointmentBooked"

    booked_by: Party = Field(
        description="`patient` booked themselves; `clinic` staff booked for them.",
        examples=["patient"],
    )
    walk_in: bool = Field(
        default=False, description="A walk-in, seen without notice.", examples=[False]
    )
    overbooked: bool = Field(
        default=False,
        description="Deliberately booked over another appointment by an admin.",
        examples=[False],
    )
    waitlist_entry_id: UUID | None = Field(
        default=None, description="Waitlist entry this booking filled, if any.", examples=[None]
    )


class AppointmentRescheduled(_Appointment):
    """An appointment moved to a new time (or provider) in one step; the old time is free."""

    event_type = "AppointmentRescheduled"

    previous_starts_at: AwareDatetime = Field(
        description="Start before the move, UTC.", examples=["2026-03-30T07:00:00Z"]
    )
    previous_ends_at: AwareDatetime = Field(
        description="End before the move, UTC.", examples=["2026-03-30T07:20:00Z"]
    )
    previous_provider_id: UUID = Field(
        description="Provider before the move.", examples=[_PROVIDER_ID]
    )
    rescheduled_by: Party = Field(description="Who asked for the move.", examples=["patient"])


class AppointmentCancelled(_Appointment):
    """An appointment was cancelled; its time is free again."""

    event_type = "AppointmentCancelled"

    cancelled_by: Party = Field(description="Who cancelled.", examples=["patient"])
    reason: str | None = Field(
        default=None, max_length=500, description="Reason given.", examples=["Feeling better"]
    )


class AppointmentCheckedIn(_Appointment):
    """The patient checked in at the clinic."""

    event_type = "AppointmentCheckedIn"


class AppointmentCompleted(_Appointment):
    """The visit took place (FHIR `fulfilled`)."""

    event_type = "AppointmentCompleted"


class AppointmentNoShow(_Appointment):
    """The patient did not come."""

    event_type = "AppointmentNoShow"


class AppointmentNeedsReschedule(_Appointment):
    """The provider can no longer see the patient then (shift gone, leave, cover): call them."""

    event_type = "AppointmentNeedsReschedule"

    reason: Literal["shift_cancelled", "shift_changed", "shift_reassigned", "leave_approved"] = (
        Field(description="What changed on the roster.", examples=["shift_cancelled"])
    )


class _Offer(_Timed):
    aggregate_field = "entry_id"
    topic = BOOKING_TOPIC

    entry_id: UUID = Field(description="Waitlist entry.", examples=[_ENTRY_ID])
    hold_id: UUID = Field(
        description="Hold on the offered slot; book it with this id to accept.",
        examples=[_APPOINTMENT_ID],
    )
    clinic_id: UUID = Field(description="Clinic of the slot.", examples=[_CLINIC_ID])
    patient_id: UUID = Field(description="Patient offered the slot.", examples=[_PATIENT_ID])
    provider_id: UUID = Field(description="Provider of the slot.", examples=[_PROVIDER_ID])
    type_id: UUID = Field(description="Appointment type.", examples=[_TYPE_ID])
    type_name: str = Field(description="Name of the type.", examples=["General consultation"])


class WaitlistOfferMade(_Offer):
    """A freed slot is held for the first waiting patient until `expires_at`."""

    event_type = "WaitlistOfferMade"

    expires_at: AwareDatetime = Field(
        description="When the hold lapses and the slot passes on, UTC.",
        examples=["2026-03-28T10:15:00Z"],
    )


class WaitlistOfferExpired(_Offer):
    """The patient did not take the offered slot in time; it passed to the next in line."""

    event_type = "WaitlistOfferExpired"
