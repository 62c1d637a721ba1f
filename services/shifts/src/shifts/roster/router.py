"""Shift routes: the roster, one-off shifts, and changes to single shifts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep

from shifts.access import StaffUser
from shifts.db import Idempotent
from shifts.roster import cover, lists, service
from shifts.roster.schemas import (
    Roster,
    ShiftCancel,
    ShiftCreate,
    ShiftRead,
    ShiftReassign,
    ShiftSwap,
    ShiftUpdate,
)

router = APIRouter(prefix="/v1/shifts", tags=["shifts"])


@router.get("", response_model=Page[ShiftRead])
async def list_shifts(
    session: SessionDep,
    caller: StaffUser,
    clinic_id: UUID | None = None,
    staff_id: UUID | None = None,
    start: Annotated[AwareDatetime | None, Query(alias="from", description="Default: now.")] = None,
    end: Annotated[
        AwareDatetime | None, Query(alias="to", description="Default: 7 days after `from`.")
    ] = None,
    shift_status: Annotated[Literal["scheduled", "cancelled"] | None, Query(alias="status")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ShiftRead]:
    """Shifts overlapping [from, to) of the caller's clinics, by start (staff)."""
    return await lists.list_shifts(
        session,
        caller=caller,
        clinic_id=clinic_id,
        staff_id=staff_id,
        start=start,
        end=end,
        status=shift_status,
        cursor=cursor,
        limit=limit,
    )


@router.get("/roster", response_model=Roster)
async def roster(
    session: SessionDep,
    caller: StaffUser,
    clinic_id: UUID,
    day: Annotated[
        date | None, Query(alias="date", description="Local day; default today.")
    ] = None,
    view: Literal["day", "week"] = "day",
) -> Roster:
    """A clinic's roster for a local day or its Monday-to-Sunday week (staff of the clinic)."""
    return await lists.roster(
        session, caller=caller, clinic_id=clinic_id, day=day, week=view == "week"
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ShiftRead)
async def create_shift(
    data: ShiftCreate, session: SessionDep, caller: StaffUser, once: Idempotent
) -> JSONResponse:
    """Add a one-off shift (clinic admins); 409 if the staff member already works then."""
    return await once.run(
        session,
        caller,
        lambda: service.create_shift(session, caller=caller, data=data),
        location=lambda shift: f"{router.prefix}/{shift.id}",
    )


@router.get("/{shift_id}", response_model=ShiftRead)
async def get_shift(shift_id: UUID, session: SessionDep, caller: StaffUser) -> ShiftRead:
    """One shift (staff of its clinic)."""
    return await service.get_shift(session, caller=caller, shift_id=shift_id)


@router.patch("/{shift_id}", response_model=ShiftRead)
async def update_shift(
    shift_id: UUID, data: ShiftUpdate, session: SessionDep, caller: StaffUser
) -> ShiftRead:
    """Change one shift's times, breaks or note, leaving its template alone (clinic admins)."""
    return await service.update_shift(session, caller=caller, shift_id=shift_id, data=data)


@router.post("/{shift_id}/cancel", response_model=ShiftRead)
async def cancel_shift(
    shift_id: UUID, data: ShiftCancel, session: SessionDep, caller: StaffUser
) -> ShiftRead:
    """Cancel one shift (clinic admins)."""
    return await service.cancel_shift(session, caller=caller, shift_id=shift_id, data=data)


@router.post("/{shift_id}/reassign", response_model=ShiftRead)
async def reassign_shift(
    shift_id: UUID, data: ShiftReassign, session: SessionDep, caller: StaffUser
) -> ShiftRead:
    """Give a shift to another staff member holding its role at the clinic (clinic admins)."""
    return await cover.reassign_shift(session, caller=caller, shift_id=shift_id, data=data)


@router.post("/{shift_id}/swap", response_model=list[ShiftRead])
async def swap_shifts(
    shift_id: UUID, data: ShiftSwap, session: SessionDep, caller: StaffUser
) -> list[ShiftRead]:
    """Exchange staff with another shift in one step (clinic admins of both); 409 on a clash."""
    return await cover.swap_shifts(session, caller=caller, shift_id=shift_id, data=data)
