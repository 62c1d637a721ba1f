"""Appointment type use cases."""

from __future__ import annotations

import uuid
from uuid import UUID

from servicekit.auth import Principal
from servicekit.db import apply_changes
from servicekit.pagination import Page
from servicekit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_staff, require_admin
from booking.projection.repository import get_clinic
from booking.types import repository
from booking.types.models import AppointmentType
from booking.types.schemas import TypeCreate, TypeRead, TypeUpdate


async def create_type(session: AsyncSession, *, caller: Principal, data: TypeCreate) -> TypeRead:
    """Add an appointment type to a clinic (its admins)."""
    require_admin(caller, data.clinic_id)
    await get_clinic(session, data.clinic_id)
    row = AppointmentType(id=uuid.uuid4(), **data.model_dump())
    await repository.add(session, kind=row)
    return TypeRead.model_validate(row)


async def visible_type(
    session: AsyncSession, caller: Principal | None, type_id: UUID
) -> AppointmentType:
    """A type the caller may see: staff of its clinic see all, others active online ones."""
    return visible(await repository.get(session, type_id=type_id), caller, type_id)


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
    page = await repository.of_clinic(
        session,
        clinic_id=clinic_id,
        public_only=not is_staff(caller, clinic_id),
        cursor=cursor,
        limit=limit,
    )
    items = [TypeRead.model_validate(row) for row in page.items]
    return Page[TypeRead](items=items, next_cursor=page.next_cursor)


async def update_type(
    session: AsyncSession, *, caller: Principal, type_id: UUID, data: TypeUpdate
) -> TypeRead:
    """Change an appointment type (its clinic's admins); booked visits keep their times."""
    row = await repository.get(session, type_id=type_id, for_update=True)
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
