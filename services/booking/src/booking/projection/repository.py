"""Writes and reads of the projection."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from servicekit.problems import NotFound
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from booking.projection.models import Clinic


async def upsert(session: AsyncSession, model: type[Any], values: dict[str, Any]) -> None:
    """Insert a row or overwrite it by its primary key."""
    keys = [column.name for column in model.__table__.primary_key]
    changes = {k: v for k, v in values.items() if k not in keys}
    statement = insert(model).values(**values)
    if changes:
        await session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
    else:
        await session.execute(statement.on_conflict_do_nothing(index_elements=keys))


async def remove(session: AsyncSession, model: type[Any], **key: Any) -> None:
    """Delete the row with this primary key, if there is one."""
    table = model.__table__
    await session.execute(delete(model).where(*(table.c[k] == v for k, v in key.items())))


async def get_clinic(session: AsyncSession, clinic_id: UUID) -> Clinic:
    """A clinic; 404 when identity has not told booking about it."""
    clinic = await session.get(Clinic, clinic_id)
    if clinic is None:
        raise NotFound(f"No clinic has id {clinic_id} (or it is not known to booking yet).")
    return clinic
