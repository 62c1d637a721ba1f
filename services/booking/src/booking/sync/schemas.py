"""Sync bodies: the pull's working set, the push's mutations and outcomes, the conflict inbox.

docs/offline-sync.md is the contract these follow.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from clinic_contracts.booking import AppointmentStatus
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from booking.allotments.schemas import AllotmentRead
from booking.appointments.schemas import Cancellation, Note
from booking.rooms.schemas import RoomRead
from booking.types.schemas import TypeRead

Entity = Literal[
    "appointment", "shift", "leave", "type", "room", "patient", "provider", "allotment"
]
BOOKING_KINDS = ("book", "reschedule", "cancel", "check_in", "complete", "no_show")


class Window(BaseModel):
    """Appointments and availability cover [from, to)."""

    model_config = ConfigDict(populate_by_name=True)

    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")


class ClinicInfo(BaseModel):
    """The device's clinic."""

    id: UUID
    name: str
    time_zone: str
    booking_policy: dict[str, Any]


class ProviderInfo(BaseModel):
    """A provider of the clinic."""

    id: UUID
    full_name: str
    specialty: str | None


class Span(BaseModel):
    """A break in a shift."""

    starts_at: datetime
    ends_at: datetime


class ShiftInfo(BaseModel):
    """A shift at the clinic overlapping the window."""

    id: UUID
    staff_id: UUID
    starts_at: datetime
    ends_at: datetime
    breaks: list[Span]


class LeaveInfo(BaseModel):
    """Approved leave of a staff member of the clinic."""

    id: UUID
    staff_id: UUID
    starts_at: datetime
    ends_at: datetime


class PatientInfo(BaseModel):
    """A patient of the clinic's directory: name and phone only."""

    id: UUID
    full_name: str
    phone: str | None


class Starts(BaseModel):
    """Free starts (UTC) of a type with a provider."""

    type_id: UUID
    provider_id: UUID
    starts: list[str] = Field(examples=[["2026-12-07T08:00:00Z"]])


class SlimAppointment(BaseModel):
    """An appointment as the pull sends it: UTC times; a field left out is null (false for
    the flags, `online` for `origin`). The device fills the AppointmentRead shape back in."""

    id: UUID
    type_id: UUID
    provider_id: UUID
    status: AppointmentStatus
    starts_at: datetime
    ends_at: datetime
    patient_id: UUID | None = None
    room_id: UUID | None = None
    booked_by: str | None = None
    walk_in: bool = False
    overbooked: bool = False
    overbook_reason: str | None = None
    note: str | None = None
    cancelled_at: datetime | None = None
    cancelled_by_party: str | None = None
    cancel_reason: str | None = None
    needs_reschedule: bool = False
    needs_reschedule_reason: str | None = None
    waitlist_entry_id: UUID | None = None
    origin: Literal["online", "offline"] = "online"
    recorded_at: datetime | None = None


class Tombstone(BaseModel):
    """A row the device must delete."""

    entity: Entity
    id: UUID


class PullRead(BaseModel):
    """The clinic's working set (snapshot), or what changed since the cursor (changes)."""

    kind: Literal["snapshot", "changes"]
    cursor: str
    server_time: datetime
    window: Window
    clinic: ClinicInfo
    types: list[TypeRead]
    rooms: list[RoomRead]
    providers: list[ProviderInfo]
    shifts: list[ShiftInfo]
    leave: list[LeaveInfo]
    patients: list[PatientInfo]
    appointments: list[SlimAppointment]
    allotments: list[AllotmentRead]
    availability: list[Starts]
    reserved: list[Starts]
    tombstones: list[Tombstone]
    open_conflicts: int


class Mutation(BaseModel):
    """One change the device queued; `args` are checked per kind when it is applied."""

    model_config = ConfigDict(extra="forbid")

    id: UUID = Field(description="Client mutation id: the idempotency key (with the device).")
    seq: int = Field(ge=0, description="Position in the device's sequence.")
    recorded_at: AwareDatetime = Field(description="Device clock when it was made.")
    kind: str = Field(max_length=40, examples=["book"])
    depends_on: list[UUID] = Field(default_factory=list, max_length=500)
    args: dict[str, Any] = Field(default_factory=dict)


class PushRequest(BaseModel):
    """A run of a device's batch for booking, as the gateway forwards it."""

    model_config = ConfigDict(extra="forbid")

    device_id: UUID
    clinic_id: UUID
    mutations: list[Mutation]
    failed: list[UUID] = Field(
        default_factory=list, description="Earlier mutations of the batch that did not apply."
    )


class Outcome(BaseModel):
    """What became of one mutation."""

    model_config = ConfigDict(extra="allow")

    id: UUID
    seq: int
    status: Literal["applied", "conflict", "rejected", "blocked"]


class PushRead(BaseModel):
    """One outcome per mutation, in seq order."""

    outcomes: list[Outcome]


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BookArgs(_Args):
    appointment_id: UUID
    type_id: UUID
    patient_id: UUID
    provider_id: UUID | None = None
    starts_at: AwareDatetime
    room_id: UUID | None = None
    walk_in: bool = False
    note: Note | None = None


class RescheduleArgs(_Args):
    appointment_id: UUID
    starts_at: AwareDatetime
    provider_id: UUID | None = None
    room_id: UUID | None = None


class CancelArgs(Cancellation):
    appointment_id: UUID


class StepArgs(_Args):
    appointment_id: UUID


ARGS: dict[str, type[BookArgs | RescheduleArgs | CancelArgs | StepArgs]] = {
    "book": BookArgs,
    "reschedule": RescheduleArgs,
    "cancel": CancelArgs,
    "check_in": StepArgs,
    "complete": StepArgs,
    "no_show": StepArgs,
}


class ConflictRead(BaseModel):
    """A conflict in the clinic's inbox."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    clinic_id: UUID
    device_id: UUID
    mutation_id: UUID
    kind: Literal["book", "reschedule"]
    appointment_id: UUID
    patient_id: UUID
    patient_name: str | None = None
    type_id: UUID
    provider_id: UUID | None
    starts_at: datetime
    ends_at: datetime
    recorded_at: datetime
    problem: dict[str, Any]
    alternatives: list[dict[str, Any]]
    status: Literal["open", "resolved"]
    resolution: Literal["booked", "waitlisted", "cancelled"] | None
    resolved_by: UUID | None
    resolved_at: datetime | None
    created_at: datetime


class Resolve(BaseModel):
    """How staff settle a conflict: book another time, waitlist the patient, or give up."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["book", "waitlist", "cancel"]
    starts_at: AwareDatetime | None = Field(default=None, description="For `book`.")
    provider_id: UUID | None = Field(default=None, description="For `book`; omit for any.")
    reason: str | None = Field(default=None, max_length=500, description="For `cancel`.")
