"""Leave routes: requests, decisions and cancellations."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep

from shifts.access import StaffUser
from shifts.db import Idempotent
from shifts.leave import service
from shifts.leave.schemas import LeaveCreate, LeaveDecision, LeaveRead, LeaveStatus

router = APIRouter(prefix="/v1/leave", tags=["leave"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=LeaveRead)
async def request_leave(
    data: LeaveCreate, session: SessionDep, caller: StaffUser, once: Idempotent
) -> JSONResponse:
    """Ask for leave: one's own (staff), or a colleague's (clinic admins); 409 on overlap."""
    return await once.run(
        session,
        caller,
        lambda: service.request_leave(session, caller=caller, data=data),
        location=lambda leave: f"{router.prefix}/{leave.id}",
    )


@router.get("", response_model=Page[LeaveRead])
async def list_leave(
    session: SessionDep,
    caller: StaffUser,
    clinic_id: UUID | None = None,
    staff_id: UUID | None = None,
    leave_status: Annotated[LeaveStatus | None, Query(alias="status")] = None,
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[LeaveRead]:
    """Leave overlapping [from, to), by start: one's own, and all of the clinics one runs."""
    return await service.list_leave(
        session,
        caller=caller,
        clinic_id=clinic_id,
        staff_id=staff_id,
        status=leave_status,
        start=start,
        end=end,
        cursor=cursor,
        limit=limit,
    )


@router.get("/{leave_id}", response_model=LeaveRead)
async def get_leave(leave_id: UUID, session: SessionDep, caller: StaffUser) -> LeaveRead:
    """One leave and the shifts it covers (its staff member, or its clinic's admins)."""
    return await service.get_leave(session, caller=caller, leave_id=leave_id)


@router.post("/{leave_id}/approve", response_model=LeaveRead)
async def approve_leave(
    leave_id: UUID, data: LeaveDecision, session: SessionDep, caller: StaffUser
) -> LeaveRead:
    """Approve requested leave (clinic admins, not their own); lists shifts needing cover."""
    return await service.approve_leave(session, caller=caller, leave_id=leave_id, data=data)


@router.post("/{leave_id}/reject", response_model=LeaveRead)
async def reject_leave(
    leave_id: UUID, data: LeaveDecision, session: SessionDep, caller: StaffUser
) -> LeaveRead:
    """Turn requested leave down (clinic admins, not their own)."""
    return await service.reject_leave(session, caller=caller, leave_id=leave_id, data=data)


@router.post("/{leave_id}/cancel", response_model=LeaveRead)
async def cancel_leave(
    leave_id: UUID, data: LeaveDecision, session: SessionDep, caller: StaffUser
) -> LeaveRead:
    """Withdraw leave: its staff member before it starts, clinic admins before it ends."""
    return await service.cancel_leave(session, caller=caller, leave_id=leave_id, data=data)
