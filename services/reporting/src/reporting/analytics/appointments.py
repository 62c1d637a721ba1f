"""Booking's and notify's events applied to the appointment projection and its rollups.

Each change locks the appointment's row, notes what it counted for, applies the event and
adds the difference to the rollups. Snapshot fields follow the newest event by
(occurred_at, event_id); fields only one kind of event carries are taken whenever it comes,
so late and out-of-order events land where they belong.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from clinic_contracts.booking import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCheckedIn,
    AppointmentCompleted,
    AppointmentNeedsReschedule,
    AppointmentNoShow,
    AppointmentRescheduled,
)
from clinic_contracts.notify import NotificationDelivered, NotificationFailed, NotificationSent
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics.figures import difference, is_newer, visit_contribution
from reporting.analytics.models import Appointment, Reminder
from reporting.analytics.rollups import add_to_rollups

AppointmentEvent = (
    AppointmentBooked
    | AppointmentRescheduled
    | AppointmentCancelled
    | AppointmentCheckedIn
    | AppointmentCompleted
    | AppointmentNoShow
    | AppointmentNeedsReschedule
)
APPOINTMENT_EVENTS = (
    AppointmentBooked,
    AppointmentRescheduled,
    AppointmentCancelled,
    AppointmentCheckedIn,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentNeedsReschedule,
)
NotificationEvent = NotificationSent | NotificationDelivered | NotificationFailed


async def apply_appointment_event(
    session: AsyncSession, event: AppointmentEvent, occurred_at: datetime, event_id: UUID
) -> None:
    """Keep the appointment's state and move its counts in the rollups."""
    row = await _locked(session, event.appointment_id)
    before = visit_contribution(row)
    if is_newer(row.as_of, row.as_of_event, occurred_at, event_id):
        row.clinic_id, row.provider_id, row.type_id = (
            event.clinic_id,
            event.provider_id,
            event.type_id,
        )
        row.time_zone, row.status = event.time_zone, event.status
        row.starts_at, row.ends_at = event.starts_at, event.ends_at
        row.as_of, row.as_of_event = occurred_at, event_id
    match event:
        case AppointmentBooked():
            row.booked_at, row.walk_in = occurred_at, event.walk_in
            row.waitlist_fill = event.waitlist_entry_id is not None
            row.offline = event.origin == "offline"
        case AppointmentRescheduled():
            row.reschedules += 1
        case AppointmentCancelled():
            row.cancelled_by, row.cancelled_at = event.cancelled_by, occurred_at
    await add_to_rollups(session, difference(before, visit_contribution(row)))


async def apply_reminder_event(session: AsyncSession, event: NotificationEvent) -> None:
    """Note a reminder going out, arriving or failing, and recount its appointment's."""
    row = await _locked(session, event.appointment_id)
    before = visit_contribution(row)
    delivered = isinstance(event, NotificationDelivered)
    statement = insert(Reminder).values(
        notification_id=event.notification_id,
        appointment_id=event.appointment_id,
        attempted=True,
        delivered=delivered,
    )
    # Flags only ever turn on, so the order the three events come in does not matter.
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["notification_id"],
            set_={"delivered": Reminder.delivered | statement.excluded.delivered},
        )
    )
    counts = await session.execute(
        select(func.count(), func.count().filter(Reminder.delivered)).where(
            Reminder.appointment_id == event.appointment_id, Reminder.attempted
        )
    )
    row.reminders, row.reminders_delivered = counts.one()
    await add_to_rollups(session, difference(before, visit_contribution(row)))


async def _locked(session: AsyncSession, appointment_id: UUID) -> Appointment:
    # The insert makes the row exist, so FOR UPDATE serialises notify's and booking's
    # events about the same appointment (they come in on different partitions).
    await session.execute(insert(Appointment).values(id=appointment_id).on_conflict_do_nothing())
    return await session.get_one(
        Appointment, appointment_id, with_for_update=True, populate_existing=True
    )
