"""Notification routes: the messages a caller may see, newest first, and one with its history."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from servicekit.auth import CurrentUser
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep

from notify.notifications import service
from notify.notifications.schemas import Kind, NotificationDetail, NotificationRead, Status

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


@router.get("", response_model=Page[NotificationRead])
async def list_notifications(
    session: SessionDep,
    caller: CurrentUser,
    appointment_id: UUID | None = None,
    patient_id: UUID | None = None,
    clinic_id: UUID | None = None,
    kinds: Annotated[list[Kind] | None, Query(alias="kind")] = None,
    statuses: Annotated[list[Status] | None, Query(alias="status")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[NotificationRead]:
    """Messages, newest first: patients see their own, staff their clinics' (org admins all).

    Naming a clinic the caller does not work at (a patient gets their own messages there) or,
    for a patient, another patient is 403; other filters narrow what the caller may see.
    `kind` and `status` may be repeated.
    """
    return await service.list_notifications(
        session,
        caller=caller,
        appointment_id=appointment_id,
        patient_id=patient_id,
        clinic_id=clinic_id,
        kinds=kinds,
        statuses=statuses,
        cursor=cursor,
        limit=limit,
    )


@router.get("/{notification_id}", response_model=NotificationDetail)
async def get_notification(
    notification_id: UUID, session: SessionDep, caller: CurrentUser
) -> NotificationDetail:
    """One message with its status history, oldest first (404 for anyone who may not see it)."""
    return await service.get_notification(session, caller=caller, notification_id=notification_id)
