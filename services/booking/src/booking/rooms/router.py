"""Room routes."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from servicekit.auth import CurrentUser
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep

from booking.db import Idempotent
from booking.rooms import service
from booking.rooms.schemas import RoomCreate, RoomRead, RoomUpdate

router = APIRouter(prefix="/v1/rooms", tags=["rooms"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RoomRead)
async def create_room(
    data: RoomCreate, session: SessionDep, caller: CurrentUser, once: Idempotent
) -> JSONResponse:
    """Add a room to a clinic (its admins); types that need a room reserve one of these."""
    return await once.run(
        session,
        caller,
        lambda: service.create_room(session, caller=caller, data=data),
        location=lambda r: f"{router.prefix}/{r.id}",
    )


@router.get("", response_model=Page[RoomRead])
async def list_rooms(
    clinic_id: UUID,
    session: SessionDep,
    caller: CurrentUser,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[RoomRead]:
    """A clinic's rooms by name (its staff)."""
    return await service.list_rooms(
        session, caller=caller, clinic_id=clinic_id, cursor=cursor, limit=limit
    )


@router.patch("/{room_id}", response_model=RoomRead)
async def update_room(
    room_id: UUID, data: RoomUpdate, session: SessionDep, caller: CurrentUser
) -> RoomRead:
    """Rename a room or take it out of use (its clinic's admins)."""
    return await service.update_room(session, caller=caller, room_id=room_id, data=data)
