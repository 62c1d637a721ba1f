"""Allotment routes: reserved front desk time of a provider."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime
from servicekit.auth import CurrentUser
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep

from booking.allotments import service
from booking.allotments.schemas import AllotmentCreate, AllotmentDetail
from booking.db import Idempotent
from booking.deps import BookingSettings

router = APIRouter(prefix="/v1/allotments", tags=["allotments"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AllotmentDetail)
async def create_allotment(
    data: AllotmentCreate,
    session: SessionDep,
    caller: CurrentUser,
    settings: BookingSettings,
    once: Idempotent,
) -> JSONResponse:
    """Reserve a provider's time for the front desk (the clinic's admins); 409 on overlap."""
    return await once.run(
        session,
        caller,
        lambda: service.create_allotment(
            session,
            caller=caller,
            data=data,
            release_minutes=settings.allotment_release_minutes,
        ),
        location=lambda r: f"{router.prefix}/{r.id}",
    )


@router.get("", response_model=Page[AllotmentDetail])
async def list_allotments(
    clinic_id: UUID,
    session: SessionDep,
    caller: CurrentUser,
    provider_id: UUID | None = None,
    start: Annotated[AwareDatetime | None, Query(alias="from", description="Default: now.")] = None,
    end: Annotated[
        AwareDatetime | None, Query(alias="to", description="Default: 62 days after `from`.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[AllotmentDetail]:
    """A clinic's reserved time overlapping [from, to), by start (its staff)."""
    return await service.list_allotments(
        session,
        caller=caller,
        clinic_id=clinic_id,
        provider_id=provider_id,
        start=start,
        end=end,
        cursor=cursor,
        limit=limit,
    )


@router.delete("/{allotment_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_allotment(
    allotment_id: UUID, session: SessionDep, caller: CurrentUser
) -> Response:
    """Give reserved time back to online booking now (the clinic's admins)."""
    await service.delete_allotment(session, caller=caller, allotment_id=allotment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
