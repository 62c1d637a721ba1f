"""One event's effect on everything reporting derives: projections and rollups.

The live consumer and the rebuild both come through `derive`, so a rebuild computes exactly
what the consumer did.
"""

from __future__ import annotations

from clinic_contracts.booking import (
    AppointmentEvent,
    OfflineConflictRecorded,
    OfflineConflictResolved,
)
from clinic_contracts.envelope import Event, EventEnvelope
from clinic_contracts.identity import ClinicCreated, ClinicUpdated
from clinic_contracts.notify import NotificationDelivered, NotificationFailed, NotificationSent
from clinic_contracts.shifts import ShiftCancelled, ShiftChanged, ShiftReassigned, ShiftScheduled
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics import service
from reporting.metrics import count_event


async def derive(
    session: AsyncSession, event: Event, envelope: EventEnvelope, *, live: bool = True
) -> None:
    """Apply an event to the projections and rollups; `live` also counts it in the metrics."""
    at, event_id = envelope.occurred_at, envelope.event_id
    match event:
        case ClinicCreated() | ClinicUpdated():
            await service.keep_clinic(session, event=event, occurred_at=at)
        case NotificationSent() | NotificationDelivered() | NotificationFailed():
            if event.kind == "reminder":
                await service.apply_reminder_event(session, event=event)
        case AppointmentEvent():
            await service.apply_appointment_event(
                session, event=event, occurred_at=at, event_id=event_id
            )
        case OfflineConflictRecorded() | OfflineConflictResolved():
            await service.apply_conflict_event(session, event=event)
        case ShiftScheduled() | ShiftChanged() | ShiftReassigned() | ShiftCancelled():
            await service.apply_shift_event(session, event=event, occurred_at=at, event_id=event_id)
    if live:
        count_event(session, event)


async def replay(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
    """Derive from a stored fact as the consumer did, without counting it in the metrics."""
    await derive(session, event, envelope, live=False)
