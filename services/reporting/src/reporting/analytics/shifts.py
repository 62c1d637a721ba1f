"""Shifts' events applied to the shift projection and the providers' daily shift minutes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from clinic_contracts.shifts import ShiftCancelled, ShiftChanged, ShiftReassigned, ShiftScheduled
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics.figures import difference, is_newer, shift_contribution
from reporting.analytics.models import Shift
from reporting.analytics.rollups import add_to_shift_minutes

ShiftEvent = ShiftScheduled | ShiftChanged | ShiftReassigned | ShiftCancelled
SHIFT_EVENTS = (ShiftScheduled, ShiftChanged, ShiftReassigned, ShiftCancelled)


async def apply_shift_event(
    session: AsyncSession, event: ShiftEvent, occurred_at: datetime, event_id: UUID
) -> None:
    """Keep the newest state of the shift and move its minutes in the daily totals."""
    await session.execute(insert(Shift).values(id=event.shift_id).on_conflict_do_nothing())
    row = await session.get_one(Shift, event.shift_id, with_for_update=True, populate_existing=True)
    if not is_newer(row.as_of, row.as_of_event, occurred_at, event_id):
        return  # an older state than the one kept; it changes nothing
    before = shift_contribution(row)
    row.clinic_id, row.staff_id, row.role = event.clinic_id, event.staff_id, event.role
    row.starts_at, row.ends_at = event.starts_at, event.ends_at
    row.as_of, row.as_of_event = occurred_at, event_id
    row.cancelled = isinstance(event, ShiftCancelled)
    if not isinstance(event, ShiftCancelled):  # a cancellation carries no zone or breaks
        row.time_zone = event.time_zone
        row.breaks = [b.model_dump(mode="json") for b in event.breaks]
    await add_to_shift_minutes(session, difference(before, shift_contribution(row)))
