"""Leave queries; the exclusion constraint, not a check, decides what overlaps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from servicekit.db import violated_constraint
from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.leave.models import APPROVED, LEAVE_OVERLAP, REQUESTED, Leave
from shifts.roster.models import SCHEDULED, Shift


class Overlap(Exception):  # noqa: N818 - the database's verdict, turned into a 409 upstream
    """A write would give a staff member two open or approved leaves at once."""


async def add(session: AsyncSession, leave: Leave) -> None:
    """Insert leave in a savepoint; Overlap when the staff member already has leave then."""
    # Added inside the savepoint: begin_nested() flushes pending objects before it starts,
    # and a refusal there would abort the whole transaction.
    try:
        async with session.begin_nested():
            session.add(leave)
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == LEAVE_OVERLAP:
            raise Overlap from exc
        raise
    await session.refresh(leave)


async def get(session: AsyncSession, leave_id: UUID, *, for_update: bool = False) -> Leave | None:
    """Leave by id, or None."""
    return await session.get(Leave, leave_id, with_for_update=for_update)


async def find_clash(
    session: AsyncSession, staff_id: UUID, starts_at: datetime, ends_at: datetime
) -> Leave | None:
    """The staff member's first open or approved leave overlapping [starts_at, ends_at)."""
    query = select(Leave).where(
        Leave.staff_id == staff_id,
        Leave.status.in_([REQUESTED, APPROVED]),
        Leave.during.op("&&")(func.tstzrange(starts_at, ends_at)),
    )
    return await session.scalar(query.order_by(Leave.starts_at).limit(1))


async def list_leave(
    session: AsyncSession,
    *,
    visible_to: tuple[UUID, Iterable[UUID]] | None,
    clinic_id: UUID | None,
    staff_id: UUID | None,
    status: str | None,
    start: datetime | None,
    end: datetime | None,
    cursor: str | None,
    limit: int,
) -> Keyset[Leave]:
    """A page of leave by start then id; `visible_to` (own id, administered clinics), None: all."""
    query = select(Leave)
    if visible_to is not None:
        own, clinics = visible_to
        query = query.where(or_(Leave.staff_id == own, Leave.clinic_id.in_(list(clinics))))
    if clinic_id is not None:
        query = query.where(Leave.clinic_id == clinic_id)
    if staff_id is not None:
        query = query.where(Leave.staff_id == staff_id)
    if status is not None:
        query = query.where(Leave.status == status)
    if start is not None or end is not None:
        query = query.where(Leave.during.op("&&")(func.tstzrange(start, end)))
    order = (Leave.starts_at, Leave.id)
    return await keyset_page(session, query, order=order, cursor=cursor, limit=limit)


async def shifts_during(
    session: AsyncSession, staff_id: UUID, start: datetime, end: datetime
) -> list[Shift]:
    """A staff member's scheduled shifts at any clinic overlapping [start, end), by start."""
    query = select(Shift).where(
        Shift.staff_id == staff_id,
        Shift.status == SCHEDULED,
        Shift.during.op("&&")(func.tstzrange(start, end)),
    )
    return list(await session.scalars(query.order_by(Shift.starts_at, Shift.id)))


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
