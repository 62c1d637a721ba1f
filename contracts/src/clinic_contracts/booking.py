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

Origin = Literal["online", "offline"]
"""`offline`: recorded on a front desk device with no network and pushed when it reconnected."""

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


class AppointmentEvent(_Timed):
    """What every event of an appointment's lifecycle carries: the visit as it stands after it."""

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


class AppointmentBooked(AppointmentEvent):
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
    origin: Origin = Field(
        default="online",
        description="`offline`: booked on a front desk device without network, synced later. "
        "Absent in events published before this field existed (they were all online).",
        examples=["online"],
    )
    recorded_at: AwareDatetime | None = Field(
        default=None,
        description="When an offline booking was recorded on the device (the device's clock, "
        "UTC); null for online bookings.",
        examples=[None],
    )
    device_id: UUID | None = Field(
        default=None,
        description="Front desk device that recorded an offline booking; null for online.",
        examples=[None],
    )

    _recorded_in_utc = field_validator("recorded_at")(lambda v: None if v is None else to_utc(v))


class AppointmentRescheduled(AppointmentEvent):
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


class AppointmentCancelled(AppointmentEvent):
    """An appointment was cancelled; its time is free again."""

    event_type = "AppointmentCancelled"

    cancelled_by: Party = Field(description="Who cancelled.", examples=["patient"])
    reason: str | None = Field(
        default=None, max_length=500, description="Reason given.", examples=["Feeling better"]
    )


class AppointmentCheckedIn(AppointmentEvent):
    """The patient checked in at the clinic."""

    event_type = "AppointmentCheckedIn"


class AppointmentCompleted(AppointmentEvent):
    """The visit took place (FHIR `fulfilled`)."""

    event_type = "AppointmentCompleted"


class AppointmentNoShow(AppointmentEvent):
    """The patient did not come."""

    event_type = "AppointmentNoShow"


class AppointmentNeedsReschedule(AppointmentEvent):
    """The provider can no longer see the patient then (shift gone, leave, cover): call them."""

    event_type = "AppointmentNeedsReschedule"

    reason: Literal["shift_cancelled", "shift_changed", "shift_reassigned", "leave_approved"] = (
        Field(description="What changed on the roster.", examples=["shift_cancelled"])
    )


APPOINTMENT_EVENTS: tuple[type[AppointmentEvent], ...] = (
    AppointmentBooked,
    AppointmentRescheduled,
    AppointmentCancelled,
    AppointmentCheckedIn,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentNeedsReschedule,
)
"""Every event of an appointment's lifecycle, for `isinstance` checks in consumers."""


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


ConflictKind = Literal["book", "reschedule"]
ConflictResolution = Literal["booked", "waitlisted", "cancelled"]
_CONFLICT_ID = "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b"
_DEVICE_ID = "0e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a2b"


class _OfflineConflict(_Timed):
    aggregate_field = "conflict_id"
    topic = BOOKING_TOPIC

    conflict_id: UUID = Field(
        description="Id of the conflict in the inbox.", examples=[_CONFLICT_ID]
    )
    clinic_id: UUID = Field(description="Clinic of the device.", examples=[_CLINIC_ID])
    device_id: UUID = Field(description="Device that recorded the change.", examples=[_DEVICE_ID])
    patient_id: UUID = Field(description="Patient of the booking.", examples=[_PATIENT_ID])
    type_id: UUID = Field(description="Appointment type asked for.", examples=[_TYPE_ID])
    type_name: str = Field(description="Name of the type.", examples=["General consultation"])
    kind: ConflictKind = Field(
        description="What the device tried: a booking or a move.", examples=["book"]
    )
    appointment_id: UUID = Field(
        description="Appointment the device booked (its client-made id) or moved.",
        examples=[_APPOINTMENT_ID],
    )


class OfflineConflictRecorded(_OfflineConflict):
    """A change made offline could not be applied: its time was taken meanwhile.

    `starts_at`/`ends_at` are the time the device asked for. The conflict waits in the
    clinic's inbox until staff resolve it.
    """

    event_type = "OfflineConflictRecorded"

    recorded_at: AwareDatetime = Field(
        description="When the device recorded the change (its clock, UTC).",
        examples=["2026-03-30T07:55:00Z"],
    )

    _recorded_in_utc = field_validator("recorded_at")(lambda v: to_utc(v))


class OfflineConflictResolved(_OfflineConflict):
    """Staff resolved an offline conflict: booked another time, waitlisted, or cancelled.

    `cancelled` means the patient has no appointment from it (a refused move keeps the old
    time only if staff did not cancel that too): notify tells the patient.
    """

    event_type = "OfflineConflictResolved"

    resolution: ConflictResolution = Field(description="What staff chose.", examples=["booked"])
    resolved_by: UUID = Field(description="Staff member who resolved it.", examples=[_ACTOR_ID])
