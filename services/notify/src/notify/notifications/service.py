"""Notification use cases: the messages a caller may see, and one with its history."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from servicekit.auth import Principal
from servicekit.pagination import Page
from servicekit.problems import NotFound
from servicekit.scopes import list_scope
from sqlalchemy.ext.asyncio import AsyncSession

from notify.access import visible_messages
from notify.notifications import repository
from notify.notifications.schemas import NotificationDetail, NotificationRead


async def list_notifications(
    session: AsyncSession,
    *,
    caller: Principal,
    appointment_id: UUID | None,
    patient_id: UUID | None,
    clinic_id: UUID | None,
    kinds: Sequence[str] | None,
    statuses: Sequence[str] | None,
    cursor: str | None,
    limit: int,
) -> Page[NotificationRead]:
    """Messages, newest first: patients see their own, staff their clinics' (org admins all);
    naming a clinic the caller does not work at or, for a patient, another patient is 403."""
    list_scope(caller, clinic_id, what="messages").person(patient_id)  # or 403
    page = await repository.page_of_messages(
        session,
        visibility=visible_messages(caller),
        appointment_id=appointment_id,
        patient_id=patient_id,
        clinic_id=clinic_id,
        kinds=kinds,
        statuses=statuses,
        cursor=cursor,
        limit=limit,
    )
    return Page[NotificationRead](
        items=[NotificationRead.of(row) for row in page.items], next_cursor=page.next_cursor
    )


async def get_notification(
    session: AsyncSession, *, caller: Principal, notification_id: UUID
) -> NotificationDetail:
    """One message with its status history, oldest first (404 for anyone who may not see it)."""
    row = await repository.get_visible(
        session, message_id=notification_id, visibility=visible_messages(caller)
    )
    if row is None:
        raise NotFound("No such notification.")
    history = await repository.history_of(session, message_id=row.id)
    return NotificationDetail.with_history(row, history)
