"""Coverage queries: minimums, and the shifts a stretch of days holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.coverage.models import CoverageMinimum
from shifts.roster.models import SCHEDULED, Shift


async def minimums_of(session: AsyncSession, clinic_id: UUID) -> list[CoverageMinimum]:
    """A clinic's minimums, by role then weekday."""
    query = (
        select(CoverageMinimum)
        .where(CoverageMinimum.clinic_id == clinic_id)
        .order_by(CoverageMinimum.role, CoverageMinimum.weekday)
    )
    return list(await session.scalars(query))


async def replace_minimums(
    session: AsyncSession, clinic_id: UUID, rows: Sequence[dict[str, Any]]
) -> None:
    """Swap a clinic's minimums for `rows` (role, weekday, hours)."""
    # Two replacements at once would each miss the other's new rows and clash on the key;
    # a per-clinic lock makes the second wait and then replace the first's.
    key = func.hashtextextended(f"coverage_minimums:{clinic_id}", 0)
    await session.execute(select(func.pg_advisory_xact_lock(key)))
    await session.execute(delete(CoverageMinimum).where(CoverageMinimum.clinic_id == clinic_id))
    if rows:
        await session.execute(
            insert(CoverageMinimum), [{"clinic_id": clinic_id, **row} for row in rows]
        )


async def scheduled_overlapping(
    session: AsyncSession, clinic_id: UUID, start: datetime, end: datetime
) -> list[Shift]:
    """A clinic's scheduled shifts with any time in [start, end), by start."""
    query = select(Shift).where(
        Shift.clinic_id == clinic_id,
        Shift.status == SCHEDULED,
        Shift.during.op("&&")(func.tstzrange(start, end)),
    )
    return list(await session.scalars(query.order_by(Shift.starts_at, Shift.id)))
