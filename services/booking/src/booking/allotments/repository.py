"""Every statement on the allotments table."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from servicekit.db import violated_constraint
from servicekit.intervals import Interval
from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking.allotments.models import ALLOTMENT_OVERLAP, Allotment


class Overlap(Exception):  # noqa: N818 - the database's verdict, turned into a 409 upstream
    """The provider already has reserved time overlapping the new allotment."""


def _overlapping(start: datetime, end: datetime) -> ColumnElement[bool]:
    return Allotment.during.bool_op("&&")(func.tstzrange(start, end))


def _in_clinic(clinic_id: UUID, window: Interval) -> Select[Any]:
    return select(Allotment).where(Allotment.clinic_id == clinic_id, _overlapping(*window))


async def get(
    session: AsyncSession, *, allotment_id: UUID, for_update: bool = False
) -> Allotment | None:
    """An allotment by id, or None."""
    return await session.get(Allotment, allotment_id, with_for_update=for_update)


async def add(session: AsyncSession, *, allotment: Allotment) -> None:
    """Insert an allotment and read it back; Overlap when the provider's time is reserved."""
    session.add(allotment)
    try:
        # A savepoint: the refusal leaves the request's transaction usable.
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == ALLOTMENT_OVERLAP:
            raise Overlap from None
        raise
    await session.refresh(allotment)


async def in_window(session: AsyncSession, *, clinic_id: UUID, window: Interval) -> list[Allotment]:
    """A clinic's allotments overlapping `window`, by start (then id)."""
    query = _in_clinic(clinic_id, window).order_by(Allotment.starts_at, Allotment.id)
    return list(await session.scalars(query))


async def page_in_window(
    session: AsyncSession,
    *,
    clinic_id: UUID,
    window: Interval,
    provider_id: UUID | None,
    cursor: str | None,
    limit: int,
) -> Keyset[Allotment]:
    """A page of a clinic's allotments (of one provider) overlapping `window`, by start."""
    query = _in_clinic(clinic_id, window)
    if provider_id is not None:
        query = query.where(Allotment.provider_id == provider_id)
    order = (Allotment.starts_at, Allotment.id)
    return await keyset_page(session, query, order=order, cursor=cursor, limit=limit)


async def remove(session: AsyncSession, *, allotment_id: UUID) -> None:
    """Delete one allotment."""
    await session.execute(delete(Allotment).where(Allotment.id == allotment_id))
