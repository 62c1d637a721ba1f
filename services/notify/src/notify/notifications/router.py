"""Notification routes: the messages a caller may see, newest first, and one with its history."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from servicekit.auth import CurrentUser, Principal
from servicekit.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    Page,
    decode_keyset,
    encode_cursor,
    instant,
)
from servicekit.problems import NotFound
from servicekit.runtime import SessionDep
from servicekit.scopes import list_scope
from sqlalchemy import ColumnElement, or_, select, true, tuple_

from notify.messages.models import Message, MessageEvent
from notify.notifications.schemas import Kind, NotificationDetail, NotificationRead, Status

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


def visible_to(caller: Principal) -> ColumnElement[bool]:
    """Messages the caller may see: their own, and all of the clinics they work at."""
    if caller.is_org_admin:
        return true()
    own = Message.patient_id == caller.user_id
    clinics = caller.clinics()
    return or_(own, Message.clinic_id.in_(clinics)) if clinics else own


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
    list_scope(caller, clinic_id, what="messages").person(patient_id)  # or 403
    query = select(Message).where(visible_to(caller))
    for column, value in (
        (Message.appointment_id, appointment_id),
        (Message.patient_id, patient_id),
        (Message.clinic_id, clinic_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if kinds:
        query = query.where(Message.kind.in_(kinds))
    if statuses:
        query = query.where(Message.status.in_(statuses))
    if cursor:
        after = decode_keyset(cursor, instant, UUID)
        query = query.where(tuple_(Message.created_at, Message.id) < tuple_(*after))
    newest_first = (Message.created_at.desc(), Message.id.desc())
    rows = list(await session.scalars(query.order_by(*newest_first).limit(limit + 1)))
    page = rows[:limit]
    next_cursor = (
        encode_cursor(page[-1].created_at.isoformat(), page[-1].id) if len(rows) > limit else None
    )
    return Page[NotificationRead](
        items=[NotificationRead.of(row) for row in page], next_cursor=next_cursor
    )


@router.get("/{notification_id}", response_model=NotificationDetail)
async def get_notification(
    notification_id: UUID, session: SessionDep, caller: CurrentUser
) -> NotificationDetail:
    """One message with its status history, oldest first (404 for anyone who may not see it)."""
    row = await session.scalar(
        select(Message).where(Message.id == notification_id, visible_to(caller))
    )
    if row is None:
        raise NotFound("No such notification.")
    history = await session.scalars(
        select(MessageEvent)
        .where(MessageEvent.message_id == row.id)
        .order_by(MessageEvent.id)  # insertion order: `at` ties within a transaction
    )
    return NotificationDetail.with_history(row, list(history))
