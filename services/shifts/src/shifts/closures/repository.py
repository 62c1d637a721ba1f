"""Closure queries."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.closures.models import Closure


async def closed_days(session: AsyncSession, clinic_id: UUID, first: date, last: date) -> set[date]:
    """The clinic's closed local days between `first` and `last`, inclusive."""
    query = select(Closure.first_day, Closure.last_day).where(
        Closure.clinic_id == clinic_id, Closure.last_day >= first, Closure.first_day <= last
    )
    days: set[date] = set()
    for start, end in await session.execute(query):
        day = max(start, first)
        while day <= min(end, last):
            days.add(day)
            day = date.fromordinal(day.toordinal() + 1)
    return days


async def list_closures(
    session: AsyncSession, clinic_id: UUID, first: date | None, last: date | None
) -> list[Closure]:
    """A clinic's closures overlapping [first, last], earliest first."""
    query = select(Closure).where(Closure.clinic_id == clinic_id)
    if first is not None:
        query = query.where(Closure.last_day >= first)
    if last is not None:
        query = query.where(Closure.first_day <= last)
    return list(await session.scalars(query.order_by(Closure.first_day).limit(1000)))
