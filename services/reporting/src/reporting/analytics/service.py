"""Analytics use cases: apply one event to its projection row and move the rollups by the change.

Each one locks the row, notes what it counted for, applies the event (rules) and adds the
difference to the rollups. Nothing here commits: the consumer's or the rebuild's
transaction does.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from clinic_contracts.booking import AppointmentEvent
from clinic_contracts.identity import ClinicCreated, ClinicUpdated
from clinic_contracts.notify import NotificationDelivered, NotificationFailed, NotificationSent
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics import repository
from reporting.analytics.rules import (
    ConflictEvent,
    ShiftEvent,
    conflict_contribution,
    difference,
    shift_contribution,
    take_appointment_event,
    take_conflict_event,
    take_shift_event,
    visit_contribution,
)

NotificationEvent = NotificationSent | NotificationDelivered | NotificationFailed


async def keep_clinic(
    session: AsyncSession, *, event: ClinicCreated | ClinicUpdated, occurred_at: datetime
) -> None:
    """Keep the clinic's name and zone as its newest event describes them."""
    await repository.keep_clinic(
        session,
        clinic_id=event.clinic_id,
        name=event.name,
        time_zone=event.time_zone,
        as_of=occurred_at,
    )


async def apply_appointment_event(
    session: AsyncSession, *, event: AppointmentEvent, occurred_at: datetime, event_id: UUID
) -> None:
    """Keep the appointment's state and move its counts in the rollups."""
    row = await repository.locked_appointment(session, appointment_id=event.appointment_id)
    before = visit_contribution(row)
    take_appointment_event(row, event, occurred_at, event_id)
    await repository.add_to_rollups(session, changes=difference(before, visit_contribution(row)))


async def apply_reminder_event(session: AsyncSession, *, event: NotificationEvent) -> None:
    """Note a reminder going out, arriving or failing, and recount its appointment's."""
    row = await repository.locked_appointment(session, appointment_id=event.appointment_id)
    before = visit_contribution(row)
    await repository.record_reminder(
        session,
        notification_id=event.notification_id,
        appointment_id=event.appointment_id,
        delivered=isinstance(event, NotificationDelivered),
    )
    row.reminders, row.reminders_delivered = await repository.reminder_counts(
        session, appointment_id=event.appointment_id
    )
    await repository.add_to_rollups(session, changes=difference(before, visit_contribution(row)))


async def apply_conflict_event(session: AsyncSession, *, event: ConflictEvent) -> None:
    """Keep the offline conflict's state and move its counts."""
    row = await repository.locked_conflict(session, conflict_id=event.conflict_id)
    before = conflict_contribution(row)
    take_conflict_event(row, event)
    changes = difference(before, conflict_contribution(row))
    await repository.add_to_conflicts(session, changes=changes)


async def apply_shift_event(
    session: AsyncSession, *, event: ShiftEvent, occurred_at: datetime, event_id: UUID
) -> None:
    """Keep the newest state of the shift and move its minutes in the daily totals."""
    row = await repository.locked_shift(session, shift_id=event.shift_id)
    before = shift_contribution(row)
    take_shift_event(row, event, occurred_at, event_id)
    changes = difference(before, shift_contribution(row))
    await repository.add_to_shift_minutes(session, changes=changes)
