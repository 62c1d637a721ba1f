"""Room use cases: clinic admins manage rooms; the clinic's staff see them."""

from __future__ import annotations

import uuid
from uuid import UUID

from servicekit.auth import Principal
from servicekit.db import apply_changes
from servicekit.pagination import Page
from servicekit.problems import Conflict, Forbidden, NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_staff, require_admin
from booking.projection.repository import get_clinic
from booking.rooms import repository
from booking.rooms.models import Room
from booking.rooms.schemas import RoomCreate, RoomRead, RoomUpdate


async def _saved(session: AsyncSession, row: Room) -> RoomRead:
    try:
        await repository.save(session, room=row)
    except repository.NameTaken:
        raise Conflict(
            f"This clinic already has a room named {row.name!r}.", slug="room-exists"
        ) from None
    return RoomRead.model_validate(row)


async def create_room(session: AsyncSession, *, caller: Principal, data: RoomCreate) -> RoomRead:
    """Add a room (the clinic's admins)."""
    require_admin(caller, data.clinic_id)
    await get_clinic(session, data.clinic_id)
    return await _saved(session, Room(id=uuid.uuid4(), **data.model_dump()))


async def update_room(
    session: AsyncSession, *, caller: Principal, room_id: UUID, data: RoomUpdate
) -> RoomRead:
    """Rename or (de)activate a room; booked visits keep theirs."""
    row = await repository.get(session, room_id=room_id, for_update=True)
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
    page = await repository.of_clinic(session, clinic_id=clinic_id, cursor=cursor, limit=limit)
    items = [RoomRead.model_validate(row) for row in page.items]
    return Page[RoomRead](items=items, next_cursor=page.next_cursor)
