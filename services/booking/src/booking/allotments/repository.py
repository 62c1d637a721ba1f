"""Every statement on the allotments table."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from servicekit.intervals import Interval
from sqlalchemy import ColumnElement, delete, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from booking.allotments.models import Allotment


def _overlapping(start: datetime, end: datetime) -> ColumnElement[bool]:
    return Allotment.during.bool_op("&&")(func.tstzrange(start, end))


async def in_clinic(
    session: AsyncSession,
    clinic_id: UUID,
    window: Interval,
    *,
    provider_id: UUID | None = None,
    after: tuple[datetime, UUID] | None = None,
    limit: int | None = None,
) -> list[Allotment]:
    """A clinic's allotments overlapping `window`, by start (then id), after a keyset."""
    query = select(Allotment).where(Allotment.clinic_id == clinic_id, _overlapping(*window))
    if provider_id is not None:
        query = query.where(Allotment.provider_id == provider_id)
    if after is not None:
        query = query.where(tuple_(Allotment.starts_at, Allotment.id) > tuple_(*after))
    query = query.order_by(Allotment.starts_at, Allotment.id)
    if limit is not None:
        query = query.limit(limit)
    return list(await session.scalars(query))


async def remove(session: AsyncSession, allotment_id: UUID) -> None:
    """Delete one allotment."""
    await session.execute(delete(Allotment).where(Allotment.id == allotment_id))
