"""Leave queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.leave.models import APPROVED, Leave


async def approved_during(
    session: AsyncSession, staff_ids: Iterable[UUID], start: datetime, end: datetime
) -> list[tuple[UUID, datetime, datetime]]:
    """(staff, start, end) of approved leave overlapping [start, end) of these staff."""
    query = select(Leave.staff_id, Leave.starts_at, Leave.ends_at).where(
        Leave.staff_id.in_(list(staff_ids)),
        Leave.status == APPROVED,
        Leave.during.op("&&")(func.tstzrange(start, end)),
    )
    return [(row.staff_id, row.starts_at, row.ends_at) for row in await session.execute(query)]
