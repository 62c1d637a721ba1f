"""Appointment and hold request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from clinic_contracts.booking import AppointmentStatus
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from servicekit.localtime import zone

from booking.types.schemas import clean_text

if TYPE_CHECKING:
    from booking.appointments.models import Appointment

Reason = Annotated[str, Field(min_length=3, max_length=500), AfterValidator(clean_text)]
Note = Annotated[str, Field(max_length=2000)]


class SlotChoice(BaseModel):
    """A start time of a type, with one provider or any provider of the clinic."""

    model_config = ConfigDict(extra="forbid")

    clinic_id: UUID
    type_id: UUID
    starts_at: AwareDatetime = Field(examples=["2027-03-29T09:15:00+01:00"])
    provider_id: UUID | None = Field(default=None, description="Omit for any free provider.")
    room_id: UUID | None = Field(
        default=None, description="For types that need a room; omit for any free room."
    )


class HoldCreate(SlotChoice):
    """Reserve a slot for a few minutes while the patient's details are filled in."""

    patient_id: UUID | None = Field(
        default=None, description="Staff may name the patient; patients hold for themselves."
    )


class AppointmentCreate(BaseModel):
    """Book a slot directly, or confirm a hold (`hold_id` alone)."""

    model_config = ConfigDict(extra="forbid")

    hold_id: UUID | None = Field(default=None, description="Confirm this hold.")
    clinic_id: UUID | None = None
    type_id: UUID | None = None
    starts_at: AwareDatetime | None = Field(
        default=None, description="Required without a hold; walk-ins default to now."
    )
    provider_id: UUID | None = Field(default=None, description="Omit for any free provider.")
    room_id: UUID | None = None
    patient_id: UUID | None = Field(
        default=None, description="Required when staff book; patients book for themselves."
    )
    walk_in: bool = Field(default=False, description="Staff only: a patient at the desk now.")
    overbook_reason: Reason | None = Field(
        default=None,
        description="Clinic admins only: book over the provider's other appointments, "
        "on purpose, for this (audited) reason.",
    )
    note: Note | None = None


class Reschedule(BaseModel):
    """Move an appointment; omitted provider and room stay unless no longer free."""

    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime = Field(examples=["2027-03-30T10:00:00+01:00"])
    provider_id: UUID | None = None
    room_id: UUID | None = None


class Cancellation(BaseModel):
    """Why an appointment is cancelled."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(max_length=500)] | None = Field(
        default=None, examples=["Feeling better"]
    )


class AppointmentRead(BaseModel):
    """An appointment (or a hold), its times in the clinic's zone."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    clinic_id: UUID
    type_id: UUID
    provider_id: UUID
    patient_id: UUID | None
    room_id: UUID | None
    status: AppointmentStatus
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    hold_expires_at: datetime | None
    booked_by: str | None
    walk_in: bool
    overbooked: bool
    overbook_reason: str | None
    note: str | None
    booked_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by_party: str | None
    cancel_reason: str | None
    needs_reschedule: bool
    needs_reschedule_reason: str | None
    waitlist_entry_id: UUID | None
    created_at: datetime
    updated_at: datetime
    origin: Literal["online", "offline"] = Field(
        default="online", description="`offline`: booked on a front desk device without network."
    )
    recorded_at: datetime | None = Field(
        default=None, description="For an offline booking: the device's clock when it was made."
    )

    @classmethod
    def of(cls, row: Appointment, time_zone: str) -> AppointmentRead:
        """The body of an appointment (or hold) row, its times in the clinic's zone."""
        tz = zone(time_zone)
        values = {name: getattr(row, name) for name in cls.model_fields if name != "time_zone"}
        values |= {"starts_at": row.starts_at.astimezone(tz), "ends_at": row.ends_at.astimezone(tz)}
        return cls.model_validate(values | {"time_zone": time_zone})
