"""Reading appointments as the caller may see them: one, a list, and what the other use
cases act on (the appointment or hold, the clinic and type a booking names), or the 404,
403 or 422 the request ends with."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from servicekit.auth import Principal
from servicekit.pagination import Page
from servicekit.scopes import list_scope
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import repository, rules
from booking.appointments.models import Appointment
from booking.appointments.schemas import AppointmentRead
from booking.projection.models import Clinic
from booking.projection.repository import get_clinic, known_clinic
from booking.types.models import AppointmentType
from booking.types.service import visible


async def clinic_and_type(
    session: AsyncSession, caller: Principal, clinic_id: UUID, type_id: UUID
) -> tuple[Clinic, AppointmentType]:
    """The clinic and a type of it the caller may book; 404 or 422 (in this order) if not."""
    clinic, kind = await repository.clinic_and_type(session, clinic_id=clinic_id, type_id=type_id)
    known = known_clinic(clinic, clinic_id)
    return known, rules.bookable(visible(kind, caller, type_id), clinic_id)


async def visible_appointment(
    session: AsyncSession, caller: Principal, appointment_id: UUID, *, for_update: bool = False
) -> tuple[Appointment, Clinic]:
    """An appointment the caller may see (holds are not appointments), and its clinic; or 404."""
    row = await repository.get(session, appointment_id, for_update=for_update)
    row = rules.seen_appointment(caller, row, appointment_id)
    return row, await get_clinic(session, row.clinic_id)


async def visible_hold(
    session: AsyncSession, caller: Principal, hold_id: UUID, *, for_update: bool = False
) -> Appointment:
    """A hold, live or lapsed, its holder or the clinic's staff may see; or 404."""
    row = await repository.get(session, hold_id, for_update=for_update)
    return rules.seen_hold(caller, row, hold_id)


async def reloaded(session: AsyncSession, appointment_id: UUID) -> Appointment:
    """An appointment as a statement just left it."""
    row = await repository.get(session, appointment_id)
    assert row is not None
    return row


async def get(session: AsyncSession, *, caller: Principal, appointment_id: UUID) -> AppointmentRead:
    """One appointment."""
    row, clinic = await visible_appointment(session, caller, appointment_id)
    return AppointmentRead.of(row, clinic.time_zone)


async def list_appointments(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID | None,
    provider_id: UUID | None,
    patient_id: UUID | None,
    statuses: Sequence[str],
    needs_reschedule: bool | None,
    start: datetime | None,
    end: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[AppointmentRead]:
    """Appointments by start: a patient's own, or those of the clinics the caller works at.

    403 for a clinic the caller does not work at (unless a patient, for their own) and for a
    patient naming another patient.
    """
    scope = list_scope(caller, clinic_id, what="appointments")
    filters = repository.Filters(
        clinic_ids=None if scope.clinics is None else sorted(scope.clinics),
        patient_id=scope.person(patient_id),
        provider_id=provider_id,
        statuses=statuses,
        needs_reschedule=needs_reschedule,
        start=start,
        end=end,
    )
    found = await repository.page(session, filters=filters, cursor=cursor, limit=limit)
    clinic_ids = {row.clinic_id for row in found.items}
    zones = await repository.time_zones(session, clinic_ids=clinic_ids)
    items = [AppointmentRead.of(row, zones[row.clinic_id]) for row in found.items]
    return Page[AppointmentRead](items=items, next_cursor=found.next_cursor)
