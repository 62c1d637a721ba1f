"""Closure queries; the exclusion constraint, not a check, decides what overlaps."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from servicekit.db import violated_constraint
from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import Select, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.closures.models import CLOSURE_OVERLAP, Closure
from shifts.roster.models import CANCELLED, Shift

CLOSED_REASON = "clinic_closed"


class Overlap(Exception):  # noqa: N818 - the database's verdict, turned into a 409 upstream
    """A closure would overlap another of the same clinic."""


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


def _overlapping(clinic_id: UUID, first: date | None, last: date | None) -> Select[Closure]:
    query = select(Closure).where(Closure.clinic_id == clinic_id)
    if first is not None:
        query = query.where(Closure.last_day >= first)
    if last is not None:
        query = query.where(Closure.first_day <= last)
    return query


async def list_closures(
    session: AsyncSession,
    *,
    clinic_id: UUID,
    first: date | None,
    last: date | None,
    cursor: str | None,
    limit: int,
) -> Keyset[Closure]:
    """A page of a clinic's closures overlapping [first, last], earliest first."""
    # A clinic's closures never overlap, so first days alone order them.
    query = _overlapping(clinic_id, first, last)
    return await keyset_page(session, query, order=(Closure.first_day,), cursor=cursor, limit=limit)


async def add(session: AsyncSession, closure: Closure) -> None:
    """Insert a closure in a savepoint; Overlap when another of the clinic shares a day."""
    try:
        async with session.begin_nested():
            session.add(closure)
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == CLOSURE_OVERLAP:
            raise Overlap from exc
        raise
    await session.refresh(closure)


async def get(
    session: AsyncSession, closure_id: UUID, *, for_update: bool = False
) -> Closure | None:
    """A closure by id, or None."""
    return await session.get(Closure, closure_id, with_for_update=for_update)


async def first_overlapping(
    session: AsyncSession, clinic_id: UUID, first: date, last: date
) -> Closure | None:
    """The earliest closure of the clinic sharing a day with [first, last]."""
    query = _overlapping(clinic_id, first, last).order_by(Closure.first_day).limit(1)
    clash: Closure | None = await session.scalar(query)
    return clash


async def remove(session: AsyncSession, closure: Closure) -> None:
    """Delete a closure."""
    await session.delete(closure)
    await session.flush()


async def forget_closed_occurrences(
    session: AsyncSession, clinic_id: UUID, first: date, last: date, *, after: datetime
) -> int:
    """Delete a clinic's unedited generated shifts a closure cancelled; how many went."""
    # Their rows hold the template occurrence's unique key, which would block regenerating
    # them; shifts edited one by one, one-off shifts and past ones stay as they are.
    statement = delete(Shift).where(
        Shift.clinic_id == clinic_id,
        Shift.status == CANCELLED,
        Shift.cancel_reason == CLOSED_REASON,
        Shift.template_id.is_not(None),
        Shift.modified.is_(False),
        Shift.planned_day >= first,
        Shift.planned_day <= last,
        Shift.starts_at > after,
    )
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
