"""Booking's events, built from an appointment row as it stands after the change."""

from __future__ import annotations

from typing import Any, TypeVar

from clinic_contracts.booking import _Appointment

from booking.appointments.models import Appointment

E = TypeVar("E", bound=_Appointment)


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
