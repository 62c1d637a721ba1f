"""Appointment type routes."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from servicekit.auth import CurrentUser, OptionalUser
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep

from booking.db import Idempotent
from booking.types import service
from booking.types.schemas import TypeCreate, TypeRead, TypeUpdate

router = APIRouter(prefix="/v1/appointment-types", tags=["appointment types"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TypeRead)
async def create_type(
    data: TypeCreate, session: SessionDep, caller: CurrentUser, once: Idempotent
) -> JSONResponse:
    """Add an appointment type to a clinic (its admins)."""
    return await once.run(
        session,
        caller,
        lambda: service.create_type(session, caller=caller, data=data),
        location=lambda r: f"{router.prefix}/{r.id}",
    )


@router.get("", response_model=Page[TypeRead])
async def list_types(
    clinic_id: UUID,
    session: SessionDep,
    caller: OptionalUser,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[TypeRead]:
    """A clinic's types by name; without a staff role, only active online-bookable ones."""
    return await service.list_types(
        session, caller=caller, clinic_id=clinic_id, cursor=cursor, limit=limit
    )


@router.get("/{type_id}", response_model=TypeRead)
async def get_type(type_id: UUID, session: SessionDep, caller: OptionalUser) -> TypeRead:
    """One appointment type (hidden types only to the clinic's staff)."""
    return await service.get_type(session, caller=caller, type_id=type_id)


@router.patch("/{type_id}", response_model=TypeRead)
async def update_type(
    type_id: UUID, data: TypeUpdate, session: SessionDep, caller: CurrentUser
) -> TypeRead:
    """Change or retire (`active: false`) an appointment type (its clinic's admins)."""
    return await service.update_type(session, caller=caller, type_id=type_id, data=data)
