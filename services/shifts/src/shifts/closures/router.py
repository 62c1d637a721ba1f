"""Closure routes: public holidays and one-off closures of a clinic."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep

from shifts.access import StaffUser
from shifts.closures import service
from shifts.closures.schemas import ClosureCreate, ClosureCreated, ClosureRead
from shifts.db import Idempotent
from shifts.templates.router import HorizonWeeks

router = APIRouter(prefix="/v1/clinics/{clinic_id}/closures", tags=["closures"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ClosureCreated)
async def create_closure(
    clinic_id: UUID,
    data: ClosureCreate,
    session: SessionDep,
    caller: StaffUser,
    once: Idempotent,
) -> JSONResponse:
    """Close the clinic on whole local days, cancelling the shifts then (clinic admins)."""
    return await once.run(
        session,
        caller,
        lambda: service.create_closure(session, caller=caller, clinic_id=clinic_id, data=data),
        location=lambda closure: f"/v1/clinics/{clinic_id}/closures/{closure.id}",
    )


@router.get("", response_model=Page[ClosureRead])
async def list_closures(
    clinic_id: UUID,
    session: SessionDep,
    caller: StaffUser,
    first: Annotated[date | None, Query(alias="from", description="Local day.")] = None,
    last: Annotated[date | None, Query(alias="to", description="Local day.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ClosureRead]:
    """The clinic's closures sharing a day with [from, to], earliest first (staff)."""
    return await service.list_closures(
        session,
        caller=caller,
        clinic_id=clinic_id,
        first=first,
        last=last,
        cursor=cursor,
        limit=limit,
    )


@router.delete("/{closure_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_closure(
    clinic_id: UUID,
    closure_id: UUID,
    session: SessionDep,
    caller: StaffUser,
    weeks: HorizonWeeks,
) -> None:
    """Reopen the days; shifts generated from templates come back (clinic admins)."""
    await service.delete_closure(
        session, caller=caller, clinic_id=clinic_id, closure_id=closure_id, horizon_weeks=weeks
    )
