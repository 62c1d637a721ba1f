"""Events published by the shifts service: who works where and when, and who is away.

Booking builds a provider's bookable time from these: inside scheduled shifts, outside their
breaks and outside approved leave. Clinic closures reach it as cancelled shifts. Every event
carries the time range it affects, so a consumer can flag appointments without a look-up.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from clinic_contracts.envelope import Event, to_utc
from clinic_contracts.identity import check_time_zone

SHIFTS_TOPIC = "clinic.shifts.v1"

ShiftRole = Literal["clinic_admin", "provider", "receptionist"]
LeaveKind = Literal["annual", "sick", "parental", "training", "other"]

_SHIFT_ID = "3f6b2a1c-9d8e-4f7a-b6c5-d4e3f2a1b0c9"
_CLINIC_ID = "5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"
_STAFF_ID = "9a7b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
_OTHER_STAFF_ID = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"
_ACTOR_ID = "7c6d5e4f-3a2b-4c1d-9e8f-7a6b5c4d3e2f"
_LEAVE_ID = "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b"


class _Range(BaseModel):
    """A time range that ends after it starts; both ends travel in UTC."""

    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _ends_after_start(self) -> _Range:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        object.__setattr__(self, "starts_at", to_utc(self.starts_at))
        object.__setattr__(self, "ends_at", to_utc(self.ends_at))
        return self


class ShiftBreak(_Range):
    """An unpaid break inside a shift: the staff member cannot be booked during it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    starts_at: AwareDatetime = Field(
        description="Start of the break, UTC.", examples=["2026-03-30T11:00:00Z"]
    )
    ends_at: AwareDatetime = Field(
        description="End of the break, UTC.", examples=["2026-03-30T12:00:00Z"]
    )


class _Shift(Event, _Range):
    shift_id: UUID = Field(description="Id of the shift.", examples=[_SHIFT_ID])
    clinic_id: UUID = Field(description="Clinic the shift is worked at.", examples=[_CLINIC_ID])
    staff_id: UUID = Field(description="Staff member who works it.", examples=[_STAFF_ID])
    role: ShiftRole = Field(description="Role the staff member works in.", examples=["provider"])
    starts_at: AwareDatetime = Field(
        description="Start of the shift, UTC.", examples=["2026-03-30T07:00:00Z"]
    )
    ends_at: AwareDatetime = Field(
        description="End of the shift, UTC.", examples=["2026-03-30T16:00:00Z"]
    )
    actor_id: UUID | None = Field(
        default=None,
        description="User whose request made the change; null when the service did it "
        "(rolling the horizon forward, a clinic closure, a staff member leaving).",
        examples=[_ACTOR_ID],
    )


class _ShiftDetails(_Shift):
    breaks: list[ShiftBreak] = Field(
        default_factory=list,
        description="Breaks inside the shift, in order.",
        examples=[[{"starts_at": "2026-03-30T11:00:00Z", "ends_at": "2026-03-30T12:00:00Z"}]],
    )
    local_date: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="Day the shift starts on, in the clinic's time zone.",
        examples=["2026-03-30"],
    )
    time_zone: str = Field(description="IANA time zone of the clinic.", examples=["Europe/London"])
    template_id: UUID | None = Field(
        default=None,
        description="Template the shift was generated from; null for a one-off shift.",
        examples=["6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"],
    )

    @field_validator("time_zone")
    @classmethod
    def _time_zone_is_iana(cls, value: str) -> str:
        return check_time_zone(value)


class ShiftScheduled(_ShiftDetails):
    """A shift was added to the roster (from a template, or one-off): the staff member works."""

    event_type = "ShiftScheduled"
    topic = SHIFTS_TOPIC
    aggregate_field = "shift_id"


class ShiftChanged(_ShiftDetails):
    """A shift's times or breaks changed; carries the whole new shift and the old range."""

    event_type = "ShiftChanged"
    topic = SHIFTS_TOPIC
    aggregate_field = "shift_id"

    previous_starts_at: AwareDatetime = Field(
        description="Start before the change, UTC.", examples=["2026-03-30T07:00:00Z"]
    )
    previous_ends_at: AwareDatetime = Field(
        description="End before the change, UTC.", examples=["2026-03-30T16:00:00Z"]
    )


class ShiftReassigned(_ShiftDetails):
    """A shift moved to another staff member (cover or swap); `staff_id` is the new one."""

    event_type = "ShiftReassigned"
    topic = SHIFTS_TOPIC
    aggregate_field = "shift_id"

    previous_staff_id: UUID = Field(
        description="Staff member who held the shift before.", examples=[_OTHER_STAFF_ID]
    )


class ShiftCancelled(_Shift):
    """A shift is off the roster; appointments inside it need another provider or time."""

    event_type = "ShiftCancelled"
    topic = SHIFTS_TOPIC
    aggregate_field = "shift_id"

    reason: str = Field(
        max_length=40,
        description="Why: `cancelled` (by an admin), `clinic_closed`, `template_changed` "
        "(its template no longer has it) or `staff_left` (role revoked, account deactivated).",
        examples=["clinic_closed"],
    )
    note: str | None = Field(
        default=None, max_length=500, description="Admin's note.", examples=["Flooded building"]
    )


class _Leave(Event, _Range):
    leave_id: UUID = Field(description="Id of the leave.", examples=[_LEAVE_ID])
    staff_id: UUID = Field(description="Staff member on leave.", examples=[_STAFF_ID])
    clinic_id: UUID = Field(
        description="Clinic whose admins decided the leave; the staff member is away from "
        "every clinic during it.",
        examples=[_CLINIC_ID],
    )
    starts_at: AwareDatetime = Field(
        description="Start of the leave, UTC.", examples=["2026-04-06T00:00:00Z"]
    )
    ends_at: AwareDatetime = Field(
        description="End of the leave (exclusive), UTC.", examples=["2026-04-11T00:00:00Z"]
    )
    actor_id: UUID | None = Field(
        default=None, description="Admin who decided.", examples=[_ACTOR_ID]
    )


class LeaveApproved(_Leave):
    """Leave was approved: the staff member cannot be booked anywhere between the two times."""

    event_type = "LeaveApproved"
    topic = SHIFTS_TOPIC
    aggregate_field = "leave_id"

    kind: LeaveKind = Field(description="Kind of leave.", examples=["annual"])


class LeaveCancelled(_Leave):
    """Approved leave was withdrawn: the staff member's shifts in it are bookable again."""

    event_type = "LeaveCancelled"
    topic = SHIFTS_TOPIC
    aggregate_field = "leave_id"
