"""Shift queries; the exclusion constraint, not a check, decides what overlaps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from servicekit.db import violated_constraint
from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.roster.models import CANCELLED, NO_OVERLAP, SCHEDULED, Shift


class Overlap(Exception):  # noqa: N818 - the database's verdict, turned into a 409 upstream
    """A write would give a staff member two shifts at once."""


def _overlapping(staff_id: UUID, starts_at: datetime, ends_at: datetime) -> Select[Shift]:
    window = func.tstzrange(starts_at, ends_at)
    return select(Shift).where(
        Shift.staff_id == staff_id, Shift.status == SCHEDULED, Shift.during.op("&&")(window)
    )


async def write(session: AsyncSession, statement: Any, rows: Any = None) -> Any:
    """Run a write in a savepoint; Overlap when the no-overlap constraint refuses it."""
    try:
        async with session.begin_nested():
            return await session.execute(statement, rows)
    except IntegrityError as exc:
        if violated_constraint(exc) == NO_OVERLAP:
            raise Overlap from exc
        raise


async def save(session: AsyncSession, change: Callable[[], object]) -> None:
    """Make in-memory changes and flush them in a savepoint; Overlap when refused.

    The changes must be made here: begin_nested() flushes what is pending before its
    SAVEPOINT, where a refusal would abort the whole transaction.
    """
    try:
        async with session.begin_nested():
            change()
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == NO_OVERLAP:
            raise Overlap from exc
        raise


async def swap_staff(session: AsyncSession, first: Shift, second: Shift, actor: UUID) -> None:
    """Exchange the staff of two shifts; Overlap when either would clash with another shift."""
    # The first shift leaves the roster for a moment, so each person can take the other's
    # time even when the two shifts overlap.
    now, staff = datetime.now(first.starts_at.tzinfo), (first.staff_id, second.staff_id)
    common = {"modified": True, "updated_by": actor, "updated_at": now}
    statements = (
        update(Shift).where(Shift.id == first.id).values(status=CANCELLED),
        update(Shift).where(Shift.id == second.id).values(staff_id=staff[0], **common),
        update(Shift)
        .where(Shift.id == first.id)
        .values(staff_id=staff[1], status=SCHEDULED, **common),
    )
    try:
        async with session.begin_nested():
            for statement in statements:
                await session.execute(statement)
    except IntegrityError as exc:
        if violated_constraint(exc) == NO_OVERLAP:
            raise Overlap from exc
        raise
    await session.refresh(first)
    await session.refresh(second)


async def add_all(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert shifts; Overlap if any clashes with another (or an existing) shift."""
    if rows:
        await write(session, insert(Shift), list(rows))


async def add_where_free(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> set[UUID]:
    """Insert the shifts that clash with nothing; the ids of those inserted."""
    if not rows:
        return set()
    statement = pg_insert(Shift).on_conflict_do_nothing().returning(Shift.id)
    result = await session.execute(statement, list(rows))
    return set(result.scalars())


async def find_clash(
    session: AsyncSession,
    staff_id: UUID,
    ranges: Iterable[tuple[datetime, datetime]],
    *,
    ignore: UUID | None = None,
) -> Shift | None:
    """The first scheduled shift of the staff member that overlaps any of the ranges."""
    ordered = sorted(ranges)
    if not ordered:
        return None
    query = _overlapping(staff_id, ordered[0][0], max(end for _, end in ordered))
    for shift in await session.scalars(query.order_by(Shift.starts_at)):
        if shift.id != ignore and any(
            s < shift.ends_at and shift.starts_at < e for s, e in ordered
        ):
            return shift
    return None


async def get(session: AsyncSession, shift_id: UUID, *, for_update: bool = False) -> Shift | None:
    """A shift by id, or None."""
    return await session.get(Shift, shift_id, with_for_update=for_update)


async def lock(session: AsyncSession, shift: Shift) -> None:
    """Re-read a shift and hold its row until commit."""
    await session.refresh(shift, with_for_update=True)


async def template_shifts_from(
    session: AsyncSession, template_id: UUID, first_day: date, after: datetime
) -> list[Shift]:
    """A template's shifts from a local day on that start after an instant, locked."""
    query = (
        select(Shift)
        .where(
            Shift.template_id == template_id,
            Shift.planned_day >= first_day,
            Shift.starts_at > after,
        )
        .order_by(Shift.starts_at)
        .with_for_update()
    )
    return list(await session.scalars(query))


async def scheduled_between(
    session: AsyncSession,
    *,
    clinic_id: UUID | None = None,
    staff_id: UUID | None = None,
    starts_after: datetime,
    starts_before: datetime | None = None,
    role: str | None = None,
) -> list[Shift]:
    """Scheduled shifts starting in a window, of a clinic and/or staff member, locked."""
    query = select(Shift).where(Shift.status == SCHEDULED, Shift.starts_at > starts_after)
    if starts_before is not None:
        query = query.where(Shift.starts_at < starts_before)
    if clinic_id is not None:
        query = query.where(Shift.clinic_id == clinic_id)
    if staff_id is not None:
        query = query.where(Shift.staff_id == staff_id)
    if role is not None:
        query = query.where(Shift.role == role)
    return list(await session.scalars(query.order_by(Shift.starts_at).with_for_update()))


async def remove(session: AsyncSession, shift_ids: Sequence[UUID]) -> None:
    """Delete shifts (generated ones whose template no longer has them)."""
    if shift_ids:
        await session.execute(delete(Shift).where(Shift.id.in_(shift_ids)))


async def list_shifts(
    session: AsyncSession,
    *,
    clinic_ids: Iterable[UUID] | None,
    staff_id: UUID | None,
    start: datetime,
    end: datetime,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> Keyset[Shift]:
    """A page of shifts overlapping [start, end), by start then id; `clinic_ids` None: all."""
    query = select(Shift).where(Shift.during.op("&&")(func.tstzrange(start, end)))
    if clinic_ids is not None:
        query = query.where(Shift.clinic_id.in_(list(clinic_ids)))
    if staff_id is not None:
        query = query.where(Shift.staff_id == staff_id)
    if status is not None:
        query = query.where(Shift.status == status)
    order = (Shift.starts_at, Shift.id)
    return await keyset_page(session, query, order=order, cursor=cursor, limit=limit)


async def starting_between(
    session: AsyncSession, clinic_id: UUID, start: datetime, end: datetime
) -> list[Shift]:
    """A clinic's scheduled shifts starting in [start, end), by start."""
    query = select(Shift).where(
        Shift.clinic_id == clinic_id,
        Shift.status == SCHEDULED,
        Shift.starts_at >= start,
        Shift.starts_at < end,
    )
    return list(await session.scalars(query.order_by(Shift.starts_at, Shift.id)))
