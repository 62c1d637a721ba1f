"""Appointments the roster no longer covers: flagged for rescheduling, and notify is told.

Runs after the projection has taken a shifts event in, so "covered" means covered by the
roster as it now stands: a shift cut short flags only the visits outside its new hours.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from clinic_contracts.booking import AppointmentNeedsReschedule
from servicekit.intervals import Interval
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import repository
from booking.appointments.events import appointment_event
from booking.appointments.models import Appointment
from booking.db import outbox
from booking.projection.models import Clinic
from booking.slots import repository as calendar
from booking.slots.rules import covered, open_time
from booking.types.models import AppointmentType


async def flag_uncovered(
    session: AsyncSession, staff_id: UUID, span: Interval, reason: str
) -> list[UUID]:
    """Flag the staff member's booked visits in `span` their shifts no longer cover; their ids."""
    query = (
        select(Appointment, AppointmentType.name, Clinic.time_zone)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .where(
            Appointment.provider_id == staff_id,
            Appointment.status == "booked",
            Appointment.needs_reschedule.is_(False),
            Appointment.blocked.op("&&")(func.tstzrange(*span)),
        )
        .with_for_update(of=Appointment)
    )
    flagged = []
    for row, type_name, time_zone in (await session.execute(query)).all():
        if await _still_covered(session, row):
            continue
        row.needs_reschedule, row.needs_reschedule_reason = True, reason
        row.updated_at = datetime.now(UTC)
        await session.flush()
        await repository.record(session, row, "needs-reschedule", details={"reason": reason})
        event = appointment_event(
            AppointmentNeedsReschedule, row, type_name=type_name, time_zone=time_zone, reason=reason
        )
        await outbox.stage(session, event)
        flagged.append(row.id)
    return flagged


async def _still_covered(session: AsyncSession, row: Appointment) -> bool:
    blocked = (row.blocked_from, row.blocked_until)
    shifts = await calendar.shifts_of(session, row.clinic_id, [row.provider_id], blocked)
    leave = await calendar.leave_of(session, [row.provider_id], blocked)
    worked = shifts.get(row.provider_id, [])
    parts = open_time(
        [s for s, _ in worked], [b for _, bs in worked for b in bs], leave[row.provider_id]
    )
    return covered(parts, blocked)
