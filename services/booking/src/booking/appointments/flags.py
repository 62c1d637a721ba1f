"""Appointments the roster no longer covers: flagged for rescheduling, and notify is told.

Runs after the projection has taken a shifts event in, so "covered" means covered by the
roster as it now stands: a shift cut short flags only the visits outside its new hours.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from clinic_contracts.booking import AppointmentNeedsReschedule
from servicekit.intervals import Interval
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import repository
from booking.appointments.events import appointment_event
from booking.appointments.models import Appointment
from booking.db import outbox
from booking.slots import repository as calendar
from booking.slots.rules import covered, open_time


async def flag_uncovered(
    session: AsyncSession, staff_id: UUID, span: Interval, reason: str
) -> list[UUID]:
    """Flag the staff member's booked visits in `span` their shifts no longer cover; their ids."""
    visits = await repository.booked_overlapping(session, provider_id=staff_id, span=span)
    flagged = []
    for row, type_name, time_zone in visits:
        if await _still_covered(session, row):
            continue
        now = datetime.now(UTC)
        await repository.flag_for_reschedule(session, row=row, reason=reason, now=now)
        await repository.record(
            session, row=row, action="needs-reschedule", details={"reason": reason}
        )
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
