"""Room queries."""

from __future__ import annotations

from uuid import UUID

from servicekit.db import violated_constraint
from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking.rooms.models import ROOM_NAME_TAKEN, Room


class NameTaken(Exception):  # noqa: N818 - the database's verdict, turned into a 409 upstream
    """Another room of the clinic has this name."""


async def get(session: AsyncSession, *, room_id: UUID, for_update: bool = False) -> Room | None:
    """A room by id, or None."""
    return await session.get(Room, room_id, with_for_update=for_update)


async def save(session: AsyncSession, *, room: Room) -> None:
    """Write a new or changed room and read it back; NameTaken if the clinic has one so named."""
    session.add(room)
    try:
        # A savepoint: the refusal leaves the request's transaction usable.
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == ROOM_NAME_TAKEN:
            raise NameTaken from None
        raise
    await session.refresh(room)


async def of_clinic(
    session: AsyncSession, *, clinic_id: UUID, cursor: str | None, limit: int
) -> Keyset[Room]:
    """A page of a clinic's rooms by name."""
    query = select(Room).where(Room.clinic_id == clinic_id)
    return await keyset_page(session, query, order=(Room.name, Room.id), cursor=cursor, limit=limit)
