"""Room use cases: clinic admins manage rooms; the clinic's staff see them."""

from __future__ import annotations

import uuid
from uuid import UUID

from servicekit.auth import Principal
from servicekit.db import apply_changes, violated_constraint
from servicekit.pagination import Page, decode_keyset, encode_cursor
from servicekit.problems import Conflict, Forbidden, NotFound
from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_staff, require_admin
from booking.projection.repository import get_clinic
from booking.rooms.models import Room
from booking.rooms.schemas import RoomCreate, RoomRead, RoomUpdate


async def _saved(session: AsyncSession, row: Room) -> RoomRead:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == "uq_rooms_clinic_name":
            raise Conflict(
                f"This clinic already has a room named {row.name!r}.", slug="room-exists"
            ) from None
        raise
    await session.refresh(row)
    return RoomRead.model_validate(row)


async def create_room(session: AsyncSession, *, caller: Principal, data: RoomCreate) -> RoomRead:
    """Add a room (the clinic's admins)."""
    require_admin(caller, data.clinic_id)
    await get_clinic(session, data.clinic_id)
    row = Room(id=uuid.uuid4(), **data.model_dump())
    session.add(row)
    return await _saved(session, row)


async def update_room(
    session: AsyncSession, *, caller: Principal, room_id: UUID, data: RoomUpdate
) -> RoomRead:
    """Rename or (de)activate a room; booked visits keep theirs."""
    row = await session.get(Room, room_id, with_for_update=True)
    if row is None or not is_staff(caller, row.clinic_id):
        raise NotFound(f"No room has id {room_id}.")
    require_admin(caller, row.clinic_id)
    apply_changes(
        row, {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    )
    return await _saved(session, row)


async def list_rooms(
    session: AsyncSession, *, caller: Principal, clinic_id: UUID, cursor: str | None, limit: int
) -> Page[RoomRead]:
    """A clinic's rooms by name (its staff)."""
    if not is_staff(caller, clinic_id):
        raise Forbidden("Only the clinic's staff see its rooms.")
    query = select(Room).where(Room.clinic_id == clinic_id)
    if cursor:
        query = query.where(tuple_(Room.name, Room.id) > tuple_(*decode_keyset(cursor, str, UUID)))
    rows = list(await session.scalars(query.order_by(Room.name, Room.id).limit(limit + 1)))
    page = rows[:limit]
    next_cursor = encode_cursor(page[-1].name, page[-1].id) if len(rows) > limit else None
    return Page[RoomRead](items=[RoomRead.model_validate(r) for r in page], next_cursor=next_cursor)
