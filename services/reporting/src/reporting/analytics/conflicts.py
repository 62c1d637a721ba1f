"""Booking's offline conflict events applied to the conflict projection and its daily counts.

Like appointments: lock the row, note what it counted for, apply the event, add the
difference. The time asked for comes from `OfflineConflictRecorded` whenever it is seen (the
resolution's own time only stands in until then), so the order the two arrive in does not
matter and both count on the same day.
"""

from __future__ import annotations

from clinic_contracts.booking import OfflineConflictRecorded, OfflineConflictResolved
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics.figures import conflict_contribution, difference
from reporting.analytics.models import OfflineConflict
from reporting.analytics.rollups import add_to_conflicts

ConflictEvent = OfflineConflictRecorded | OfflineConflictResolved
CONFLICT_EVENTS = (OfflineConflictRecorded, OfflineConflictResolved)


async def apply_conflict_event(session: AsyncSession, event: ConflictEvent) -> None:
    """Keep the conflict's state and move its counts."""
    await session.execute(
        insert(OfflineConflict).values(id=event.conflict_id).on_conflict_do_nothing()
    )
    row = await session.get_one(
        OfflineConflict, event.conflict_id, with_for_update=True, populate_existing=True
    )
    before = conflict_contribution(row)
    recorded = isinstance(event, OfflineConflictRecorded)
    if recorded or row.starts_at is None:
        row.clinic_id, row.type_id = event.clinic_id, event.type_id
        row.time_zone, row.starts_at = event.time_zone, event.starts_at
    if isinstance(event, OfflineConflictResolved):
        row.resolution = event.resolution
    row.recorded = row.recorded or recorded
    await add_to_conflicts(session, difference(before, conflict_contribution(row)))
