"""Offline conflicts staff gave up on: the patient is told the time they were given is gone.

A booking made on a front desk device without network may find its time taken when the device
syncs. Staff resolve the conflict: `booked` (booking's AppointmentBooked or Rescheduled for the
new time brings the usual confirmation), `waitlisted` (an offer comes when a slot frees), or
`cancelled`, the one outcome nothing else tells the patient about; that one plans a message.
"""

from __future__ import annotations

from datetime import datetime

from clinic_contracts.booking import OfflineConflictResolved
from servicekit.db import upsert
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages.models import OFFLINE_CONFLICT_CANCELLED
from notify.messages.planning import About, plan
from notify.projection.models import OfflineConflict


async def on_conflict_resolved(
    session: AsyncSession, event: OfflineConflictResolved, as_of: datetime
) -> None:
    """Keep a cancelled conflict and plan the patient's message about it (once)."""
    if event.resolution != "cancelled":
        return
    values = {
        "id": event.conflict_id,
        "clinic_id": event.clinic_id,
        "patient_id": event.patient_id,
        "appointment_id": event.appointment_id,
        "type_name": event.type_name,
        "starts_at": event.starts_at,
        "time_zone": event.time_zone,
        "resolved_at": as_of,
    }
    await upsert(session, OfflineConflict, values)
    about = About(event.appointment_id, event.clinic_id, event.patient_id)
    # A notice from the clinic, not an answer to the patient: it waits out quiet hours.
    await plan(
        session, about, OFFLINE_CONFLICT_CANCELLED, event.starts_at, event.starts_at, quiet=True
    )
