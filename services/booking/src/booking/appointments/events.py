"""Booking's events, built from an appointment row as it stands after the change, and staged."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from clinic_contracts.booking import (
    AppointmentBooked,
    AppointmentCheckedIn,
    AppointmentCompleted,
    AppointmentEvent,
    AppointmentNoShow,
)
from servicekit.auth import Principal
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments.models import Appointment
from booking.db import outbox
from booking.projection.models import Clinic
from booking.types.models import AppointmentType

E = TypeVar("E", bound=AppointmentEvent)

STEP_EVENTS: dict[str, type[AppointmentEvent]] = {
    "check-in": AppointmentCheckedIn,
    "complete": AppointmentCompleted,
    "no-show": AppointmentNoShow,
}
"""The event each step of the visit publishes."""


def appointment_event(
    event: type[E], row: Appointment, *, type_name: str, time_zone: str, **extra: Any
) -> E:
    """`event` about `row`; `extra` fills the event's own fields."""
    return event(
        appointment_id=row.id,
        clinic_id=row.clinic_id,
        patient_id=row.patient_id,
        provider_id=row.provider_id,
        type_id=row.type_id,
        type_name=type_name,
        room_id=row.room_id,
        status=row.status,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        time_zone=time_zone,
        **extra,
    )


def booked_event(
    row: Appointment, *, type_name: str, time_zone: str, actor_id: UUID
) -> AppointmentBooked:
    """AppointmentBooked about `row`, with who booked it and where it was recorded."""
    return appointment_event(
        AppointmentBooked,
        row,
        type_name=type_name,
        time_zone=time_zone,
        actor_id=actor_id,
        booked_by=row.booked_by,
        walk_in=row.walk_in,
        overbooked=row.overbooked,
        waitlist_entry_id=row.waitlist_entry_id,
        origin=row.origin,
        recorded_at=row.recorded_at,
        device_id=row.device_id,
    )


async def publish(
    session: AsyncSession,
    event: type[AppointmentEvent],
    row: Appointment,
    *,
    kind: AppointmentType | None,
    clinic: Clinic,
    caller: Principal,
    **extra: Any,
) -> None:
    """Stage `event` about `row` as the caller's doing; `extra` fills its own fields."""
    staged = appointment_event(
        event,
        row,
        type_name=kind.name if kind else "",
        time_zone=clinic.time_zone,
        actor_id=caller.user_id,
        **extra,
    )
    await outbox.stage(session, staged)
