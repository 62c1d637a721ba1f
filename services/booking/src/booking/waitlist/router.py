"""Waitlist routes."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from servicekit.auth import CurrentUser
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep
from servicekit.transactions import RetryingTransactions

from booking.db import Idempotent
from booking.waitlist import service
from booking.waitlist.schemas import WaitlistJoin, WaitlistRead

router = APIRouter(prefix="/v1/waitlist", tags=["waitlist"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WaitlistRead)
async def join_waitlist(
    data: WaitlistJoin, tx: RetryingTransactions, caller: CurrentUser, once: Idempotent
) -> JSONResponse:
    """Wait for a slot; a freed one is held for the first in line, who is told."""
    return await tx.once(
        once,
        caller,
        lambda session: service.join(session, caller=caller, data=data),
        location=lambda r: f"{router.prefix}/{r.id}",
    )


@router.get("", response_model=Page[WaitlistRead])
async def list_waitlist(
    session: SessionDep,
    caller: CurrentUser,
    clinic_id: UUID | None = None,
    status: Literal["waiting", "offered", "booked", "cancelled", "lapsed"] | None = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[WaitlistRead]:
    """Entries in serving order: staff their clinics' (or the one named), patients their own.

    A clinic the caller does not work at is 403 (a patient naming one gets their own entries).
    """
    return await service.list_entries(
        session, caller=caller, clinic_id=clinic_id, status=status, cursor=cursor, limit=limit
    )


@router.get("/{entry_id}", response_model=WaitlistRead)
async def get_entry(entry_id: UUID, session: SessionDep, caller: CurrentUser) -> WaitlistRead:
    """One waitlist entry."""
    return await service.get(session, caller=caller, entry_id=entry_id)


@router.post("/{entry_id}/cancel", response_model=WaitlistRead)
async def leave_waitlist(
    entry_id: UUID, tx: RetryingTransactions, caller: CurrentUser, once: Idempotent
) -> JSONResponse:
    """Leave the waitlist; a slot held for the entry is freed."""
    return await tx.once(
        once, caller, lambda session: service.leave(session, caller=caller, entry_id=entry_id)
    )
