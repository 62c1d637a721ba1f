"""Slot search route."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from servicekit.auth import OptionalUser
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import ReadingSessionDep

from booking.slots import service
from booking.slots.rules import Reserved
from booking.slots.schemas import Slot

router = APIRouter(prefix="/v1/slots", tags=["slots"])


@router.get("", response_model=Page[Slot])
async def search_slots(
    session: ReadingSessionDep,
    caller: OptionalUser,
    clinic_id: UUID,
    type_id: UUID,
    provider_id: Annotated[UUID | None, Query(description="Omit for any provider.")] = None,
    start: Annotated[AwareDatetime | None, Query(alias="from", description="Default: now.")] = None,
    end: Annotated[
        AwareDatetime | None, Query(alias="to", description="Default: 7 days after `from`.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    reserved: Annotated[
        Reserved,
        Query(
            description="Reserved front desk time not yet released: left out (`exclude`), "
            "offered too (`include`) or alone (`only`); the last two for the clinic's "
            "receptionists and admins."
        ),
    ] = Reserved.EXCLUDE,
) -> Page[Slot]:
    """Free start times of a type, earliest first; no token needed for online-bookable types."""
    return await service.search(
        session,
        caller=caller,
        clinic_id=clinic_id,
        type_id=type_id,
        provider_id=provider_id,
        start=start,
        end=end,
        cursor=cursor,
        limit=limit,
        reserved=reserved,
    )
