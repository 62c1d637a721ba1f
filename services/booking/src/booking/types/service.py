"""Appointment type use cases."""

from __future__ import annotations

import uuid
from uuid import UUID

from servicekit.auth import Principal
from servicekit.db import apply_changes
from servicekit.pagination import Page, decode_keyset, encode_cursor
from servicekit.problems import NotFound
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_staff, require_admin
from booking.projection.repository import get_clinic
from booking.types.models import AppointmentType
from booking.types.schemas import TypeCreate, TypeRead, TypeUpdate


async def create_type(session: AsyncSession, *, caller: Principal, data: TypeCreate) -> TypeRead:
    """Add an appointment type to a clinic (its admins)."""
    require_admin(caller, data.clinic_id)
    await get_clinic(session, data.clinic_id)
    row = AppointmentType(id=uuid.uuid4(), **data.model_dump())
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return TypeRead.model_validate(row)


async def visible_type(
    session: AsyncSession, caller: Principal | None, type_id: UUID
) -> AppointmentType:
    """A type the caller may see: staff of its clinic see all, others active online ones."""
    return visible(await session.get(AppointmentType, type_id), caller, type_id)


def visible(
    row: AppointmentType | None, caller: Principal | None, type_id: UUID
) -> AppointmentType:
    """The type read for `type_id` if the caller may see it; 404 otherwise."""
    if row is None or not (is_staff(caller, row.clinic_id) or (row.active and row.online_bookable)):
        raise NotFound(f"No appointment type has id {type_id}.")
    return row


async def get_type(session: AsyncSession, *, caller: Principal | None, type_id: UUID) -> TypeRead:
    """One appointment type."""
    return TypeRead.model_validate(await visible_type(session, caller, type_id))


async def list_types(
    session: AsyncSession,
    *,
    caller: Principal | None,
    clinic_id: UUID,
    cursor: str | None,
    limit: int,
) -> Page[TypeRead]:
    """A clinic's types by name; the public sees the active, online-bookable ones."""
    query = select(AppointmentType).where(AppointmentType.clinic_id == clinic_id)
    if not is_staff(caller, clinic_id):
        query = query.where(AppointmentType.active, AppointmentType.online_bookable)
    if cursor:
        after = decode_keyset(cursor, str, UUID)
        query = query.where(tuple_(AppointmentType.name, AppointmentType.id) > tuple_(*after))
    order = (AppointmentType.name, AppointmentType.id)
    rows = list(await session.scalars(query.order_by(*order).limit(limit + 1)))
    page = rows[:limit]
    next_cursor = encode_cursor(page[-1].name, page[-1].id) if len(rows) > limit else None
    return Page[TypeRead](items=[TypeRead.model_validate(r) for r in page], next_cursor=next_cursor)


async def update_type(
    session: AsyncSession, *, caller: Principal, type_id: UUID, data: TypeUpdate
) -> TypeRead:
    """Change an appointment type (its clinic's admins); booked visits keep their times."""
    row = await session.get(AppointmentType, type_id, with_for_update=True)
    if row is None:
        raise NotFound(f"No appointment type has id {type_id}.")
    require_admin(caller, row.clinic_id)
    changes = data.model_dump(exclude_unset=True)
    for required in ("name", "duration_minutes", "step_minutes", "online_bookable", "active"):
        if required in changes and changes[required] is None:
            changes.pop(required)
    apply_changes(row, changes)
    await session.flush()
    return TypeRead.model_validate(row)
