"""Coverage routes: minimum staffing per role and weekday, and how the roster meets it."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from servicekit.runtime import SessionDep

from shifts.access import StaffUser
from shifts.coverage import service
from shifts.coverage.schemas import Coverage, Minimums, MinimumsRead

router = APIRouter(prefix="/v1/clinics/{clinic_id}/coverage", tags=["coverage"])


@router.get("", response_model=Coverage)
async def coverage(
    clinic_id: UUID,
    session: SessionDep,
    caller: StaffUser,
    first: Annotated[
        date | None, Query(alias="from", description="Local day; default today.")
    ] = None,
    last: Annotated[
        date | None,
        Query(alias="to", description="Local day, inclusive; default 6 days after `from`."),
    ] = None,
) -> Coverage:
    """Staffed hours per local day and role against the minimums, up to 93 days (staff)."""
    return await service.coverage(
        session, caller=caller, clinic_id=clinic_id, first=first, last=last
    )


@router.get("/minimums", response_model=MinimumsRead)
async def get_minimums(clinic_id: UUID, session: SessionDep, caller: StaffUser) -> MinimumsRead:
    """The clinic's minimum staffed hours per role and weekday (staff of the clinic)."""
    return await service.get_minimums(session, caller=caller, clinic_id=clinic_id)


@router.put("/minimums", response_model=MinimumsRead)
async def replace_minimums(
    clinic_id: UUID, data: Minimums, session: SessionDep, caller: StaffUser
) -> MinimumsRead:
    """Replace the clinic's minimum staffing wholesale (clinic admins)."""
    return await service.replace_minimums(session, caller=caller, clinic_id=clinic_id, data=data)
