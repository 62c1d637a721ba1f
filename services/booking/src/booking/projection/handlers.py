"""Identity's and shifts' events kept in booking's projection.

From identity: clinics (zone, booking policy), staff names and roles, patients' names and
phones (the front desk devices' directory). From shifts: scheduled
shifts with their breaks (a cancelled shift is deleted) and approved leave (withdrawn leave
is deleted). Slot search reads only these tables. A roster change that leaves booked visits
uncovered flags them for rescheduling (appointments.flags).
"""

from __future__ import annotations

from typing import Any

from clinic_contracts.envelope import Event, EventEnvelope
from clinic_contracts.identity import (
    IDENTITY_TOPIC,
    ClinicCreated,
    ClinicUpdated,
    MembershipGranted,
    MembershipRevoked,
    UserDeactivated,
    UserRegistered,
    UserUpdated,
)
from clinic_contracts.shifts import (
    SHIFTS_TOPIC,
    LeaveApproved,
    LeaveCancelled,
    ShiftCancelled,
    ShiftChanged,
    ShiftReassigned,
    ShiftScheduled,
)
from servicekit.db import remove, upsert
from servicekit.intervals import Interval
from servicekit.runtime import ServiceRuntime
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments.flags import flag_uncovered
from booking.projection.models import (
    Clinic,
    LeaveWindow,
    Patient,
    ShiftWindow,
    StaffMember,
    StaffRole,
)
from booking.projection.repository import deactivate_patient


async def on_event(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
    """Apply one identity or shifts event to the projection."""
    match event:
        case ClinicCreated() | ClinicUpdated():
            await upsert(session, Clinic, _clinic(event))
        case UserRegistered() | UserUpdated() if event.kind == "staff":
            await upsert(session, StaffMember, {"id": event.user_id, "full_name": event.full_name})
        case UserRegistered() | UserUpdated() if event.kind == "patient":
            await upsert(session, Patient, _patient(event))
        case UserDeactivated():
            await upsert(
                session, StaffMember, {"id": event.user_id, "full_name": "", "active": False}
            )
            await deactivate_patient(session, patient_id=event.user_id)
        case MembershipGranted() if event.clinic_id is not None:
            await upsert(session, StaffRole, _role(event) | {"specialty": event.specialty})
        case MembershipRevoked() if event.clinic_id is not None:
            await remove(session, StaffRole, **_role(event))
        case ShiftScheduled():
            await upsert(session, ShiftWindow, _shift(event))
        case ShiftChanged():
            await upsert(session, ShiftWindow, _shift(event))
            before = (event.previous_starts_at, event.previous_ends_at)
            await flag_uncovered(session, event.staff_id, before, "shift_changed")
            await flag_uncovered(session, event.staff_id, _span(event), "shift_changed")
        case ShiftReassigned():
            await upsert(session, ShiftWindow, _shift(event))
            await flag_uncovered(session, event.previous_staff_id, _span(event), "shift_reassigned")
        case ShiftCancelled():
            await remove(session, ShiftWindow, shift_id=event.shift_id)
            await flag_uncovered(session, event.staff_id, _span(event), "shift_cancelled")
        case LeaveApproved():
            await upsert(session, LeaveWindow, _leave(event))
            await flag_uncovered(session, event.staff_id, _span(event), "leave_approved")
        case LeaveCancelled():
            await remove(session, LeaveWindow, leave_id=event.leave_id)


def _clinic(event: ClinicCreated | ClinicUpdated) -> dict[str, Any]:
    return {
        "id": event.clinic_id,
        "name": event.name,
        "time_zone": event.time_zone,
        "booking_policy": event.booking_policy.model_dump(mode="json"),
    }


def _patient(event: UserRegistered | UserUpdated) -> dict[str, Any]:
    return {
        "id": event.user_id,
        "full_name": event.full_name,
        "phone": event.phone,
        "active": True,
    }


def _role(event: MembershipGranted | MembershipRevoked) -> dict[str, Any]:
    return {"staff_id": event.user_id, "clinic_id": event.clinic_id, "role": event.role}


def _shift(event: ShiftScheduled | ShiftChanged | ShiftReassigned) -> dict[str, Any]:
    return {
        "shift_id": event.shift_id,
        "clinic_id": event.clinic_id,
        "staff_id": event.staff_id,
        "role": event.role,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "breaks": [b.model_dump(mode="json") for b in event.breaks],
    }


def _span(event: ShiftChanged | ShiftReassigned | ShiftCancelled | LeaveApproved) -> Interval:
    return event.starts_at, event.ends_at


def _leave(event: LeaveApproved) -> dict[str, Any]:
    return {
        "leave_id": event.leave_id,
        "staff_id": event.staff_id,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
    }


def subscribe(runtime: ServiceRuntime) -> None:
    """Keep the projection from clinic.identity.v1 and clinic.shifts.v1."""
    runtime.consumer().subscribe({IDENTITY_TOPIC: on_event, SHIFTS_TOPIC: on_event})
