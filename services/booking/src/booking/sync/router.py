"""Offline sync routes (docs/offline-sync.md): pull, push (from the gateway), conflict inbox."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic_core import to_json
from servicekit.auth import CurrentUser
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.problems import Problem
from servicekit.runtime import SessionDep
from servicekit.transactions import RetryingTransactions

from booking.deps import BookingSettings
from booking.sync import conflicts, pull, push
from booking.sync.schemas import ConflictRead, PullRead, PushRead, PushRequest, Resolve

router = APIRouter(prefix="/v1/sync", tags=["offline sync"])


class TooLarge(Problem):
    status, slug = 413, "sync-batch-too-large"


@router.get("/clinics/{clinic_id}", response_model=PullRead)
async def pull_working_set(
    clinic_id: UUID,
    session: SessionDep,
    caller: CurrentUser,
    settings: BookingSettings,
    device_id: Annotated[UUID, Query(description="The device's id.")],
    cursor: Annotated[
        str | None, Query(max_length=1000, description="`cursor` of the previous pull.")
    ] = None,
) -> Response:
    """The clinic's working set: a snapshot, or the changes since `cursor` (front desk)."""
    body = await pull.pull(
        session,
        caller=caller,
        clinic_id=clinic_id,
        cursor=cursor,
        max_age=timedelta(hours=settings.sync_cursor_max_age_hours),
    )
    # Straight from the rows (UUIDs, datetimes): a snapshot is thousands of them.
    return Response(to_json(body), media_type="application/json")


@router.post("/push", response_model=PushRead)
async def push_mutations(
    request: Request,
    data: PushRequest,
    tx: RetryingTransactions,
    caller: CurrentUser,
    settings: BookingSettings,
) -> JSONResponse:
    """Apply a run of a device's queued booking changes, each once, in seq order."""
    size = int(request.headers.get("content-length") or 0)
    if size > settings.sync_push_max_bytes:
        raise TooLarge(f"A push carries at most {settings.sync_push_max_bytes} bytes.")
    if len(data.mutations) > settings.sync_push_max_mutations:
        raise TooLarge(f"A push carries at most {settings.sync_push_max_mutations} mutations.")
    outcomes = await push.push(
        tx, caller=caller, request=data, offer_minutes=settings.waitlist_offer_minutes
    )
    return JSONResponse({"outcomes": outcomes})


@router.get("/clinics/{clinic_id}/conflicts", response_model=Page[ConflictRead])
async def list_conflicts(
    clinic_id: UUID,
    session: SessionDep,
    caller: CurrentUser,
    status: Literal["open", "resolved"] | None = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ConflictRead]:
    """The clinic's offline conflicts, oldest first (its staff)."""
    return await conflicts.list_conflicts(
        session, caller=caller, clinic_id=clinic_id, status=status, cursor=cursor, limit=limit
    )


@router.post("/conflicts/{conflict_id}/resolve", response_model=ConflictRead)
async def resolve_conflict(
    conflict_id: UUID,
    data: Resolve,
    tx: RetryingTransactions,
    caller: CurrentUser,
    settings: BookingSettings,
) -> ConflictRead:
    """Book another time, waitlist the patient, or give up; 409 when resolved already."""
    return await tx.run(
        lambda session: conflicts.resolve(
            session,
            caller=caller,
            conflict_id=conflict_id,
            data=data,
            offer_minutes=settings.waitlist_offer_minutes,
        )
    )
