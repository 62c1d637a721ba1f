"""Appointment type queries."""

from __future__ import annotations

from uuid import UUID

from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from booking.types.models import AppointmentType


async def get(
    session: AsyncSession, *, type_id: UUID, for_update: bool = False
) -> AppointmentType | None:
    """An appointment type by id, or None."""
    return await session.get(AppointmentType, type_id, with_for_update=for_update)


async def add(session: AsyncSession, *, kind: AppointmentType) -> None:
    """Insert a type and read back what the database filled in."""
    session.add(kind)
    await session.flush()
    await session.refresh(kind)


async def of_clinic(
    session: AsyncSession, *, clinic_id: UUID, public_only: bool, cursor: str | None, limit: int
) -> Keyset[AppointmentType]:
    """A page of a clinic's types by name (only active, online-bookable ones if `public_only`)."""
    query = select(AppointmentType).where(AppointmentType.clinic_id == clinic_id)
    if public_only:
        query = query.where(AppointmentType.active, AppointmentType.online_bookable)
    order = (AppointmentType.name, AppointmentType.id)
    return await keyset_page(session, query, order=order, cursor=cursor, limit=limit)
