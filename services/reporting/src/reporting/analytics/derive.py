"""One event's effect on everything reporting derives: projections and rollups.

The live consumer and `rebuild` both come through `derive`, so a rebuild computes exactly
what the consumer did.
"""

from __future__ import annotations

from clinic_contracts.envelope import EventEnvelope
from clinic_contracts.identity import ClinicCreated, ClinicUpdated
from clinic_contracts.notify import NotificationDelivered, NotificationFailed, NotificationSent
from clinic_contracts.registry import UnknownEventType, parse_event
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics.appointments import (
    APPOINTMENT_EVENTS,
    apply_appointment_event,
    apply_reminder_event,
)
from reporting.analytics.conflicts import CONFLICT_EVENTS, apply_conflict_event
from reporting.analytics.models import Clinic
from reporting.analytics.shifts import SHIFT_EVENTS, apply_shift_event
from reporting.metrics import count_event


async def derive(session: AsyncSession, envelope: EventEnvelope, *, live: bool = True) -> None:
    """Apply an event to the projections and rollups; `live` also counts it in the metrics."""
    try:
        event = parse_event(envelope)
    except UnknownEventType:
        return  # newer than this code; the fact is kept, a rebuild can pick it up later
    at, event_id = envelope.occurred_at, envelope.event_id
    match event:
        case ClinicCreated() | ClinicUpdated():
            await _keep_clinic(session, event, envelope)
        case NotificationSent() | NotificationDelivered() | NotificationFailed():
            if event.kind == "reminder":
                await apply_reminder_event(session, event)
        case _ if isinstance(event, APPOINTMENT_EVENTS):
            await apply_appointment_event(session, event, at, event_id)
        case _ if isinstance(event, CONFLICT_EVENTS):
            await apply_conflict_event(session, event)
        case _ if isinstance(event, SHIFT_EVENTS):
            await apply_shift_event(session, event, at, event_id)
    if live:
        count_event(session, event)


async def _keep_clinic(
    session: AsyncSession, event: ClinicCreated | ClinicUpdated, envelope: EventEnvelope
) -> None:
    values = {"name": event.name, "time_zone": event.time_zone, "as_of": envelope.occurred_at}
    statement = insert(Clinic).values(id=event.clinic_id, **values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_=values, where=Clinic.as_of <= statement.excluded.as_of
        )
    )
