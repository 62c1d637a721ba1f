"""A message's status changes: the row, its history and the event, in the caller's transaction.

Both the dispatcher (accepted, refused, retried) and the providers' callbacks (delivered,
undelivered) come through here, so a status is written one way only. A status never moves
backwards: a late "sent" callback after "delivered" lands in the history and nowhere else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from clinic_contracts.notify import (
    NotificationDelivered,
    NotificationFailed,
    NotificationSent,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notify.db import outbox
from notify.messages.models import Message, MessageEvent

RANK = {
    "scheduled": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "cancelled": 3,
    "skipped": 3,
}
"""How far along a status is; a message only moves to a higher rank."""


async def note(
    session: AsyncSession,
    message: Message,
    status: str,
    *,
    error_code: str | None = None,
    detail: str | None = None,
) -> bool:
    """Add a history entry for the current attempt; False if it was there already (a replay)."""
    inserted = await session.execute(
        insert(MessageEvent)
        .values(
            message_id=message.id,
            attempt=message.attempts,
            status=status,
            channel=message.channel,
            error_code=error_code,
            detail=detail,
        )
        .on_conflict_do_nothing(constraint="uq_message_events_once")
        .returning(MessageEvent.id)
    )
    return inserted.first() is not None


async def mark_sent(session: AsyncSession, message: Message, provider_message_id: str) -> None:
    """The provider accepted the message."""
    now = datetime.now(UTC)
    message.provider_message_id = provider_message_id
    message.sent_at = now
    message.error_code = message.error_detail = None
    _advance(message, "sent", now)
    await note(session, message, "sent")
    if _published(message):
        await outbox.stage(
            session,
            NotificationSent(
                **_about(message), provider_message_id=provider_message_id, attempt=message.attempts
            ),
            clinic_id=message.clinic_id,
        )


async def mark_delivered(session: AsyncSession, message: Message) -> None:
    """The provider reported delivery to the phone (replays change nothing)."""
    now = datetime.now(UTC)
    if not await note(session, message, "delivered"):
        return
    if _advance(message, "delivered", now) and _published(message):
        await outbox.stage(
            session,
            NotificationDelivered(**_about(message), delivered_at=now),
            clinic_id=message.clinic_id,
        )


async def mark_failed(
    session: AsyncSession,
    message: Message,
    code: str,
    detail: str,
    *,
    status: str = "failed",
) -> None:
    """Nothing more will be tried: `failed` (never taken) or `undelivered` (lost after)."""
    now = datetime.now(UTC)
    if not await note(session, message, status, error_code=code, detail=detail):
        return
    if _advance(message, status, now):
        message.error_code, message.error_detail = code, detail[:500]
        if not _published(message):
            return
        await outbox.stage(
            session,
            NotificationFailed(
                **_about(message),
                status="undelivered" if status == "undelivered" else "failed",
                error_code=code,
                error_detail=detail[:500],
            ),
            clinic_id=message.clinic_id,
        )


async def mark_skipped(session: AsyncSession, message: Message, reason: str) -> None:
    """Not sent, and rightly so (the visit was cancelled or is over): no event, just history."""
    message.error_code, message.error_detail = reason, None
    _advance(message, "skipped", datetime.now(UTC))
    await note(session, message, "skipped", error_code=reason)


def _advance(message: Message, status: str, now: datetime) -> bool:
    if RANK[status] <= RANK[message.status]:
        return False
    message.status = status
    message.updated_at = now
    return True


def _published(message: Message) -> bool:
    """Whether the message's events go on clinic.notify.v1: account notices' do not (those
    events are about an appointment and its clinic, and name both)."""
    return message.appointment_id is not None


def _about(message: Message) -> dict[str, Any]:
    return {
        "notification_id": message.id,
        "appointment_id": message.appointment_id,
        "clinic_id": message.clinic_id,
        "patient_id": message.patient_id,
        "kind": message.kind,
        "channel": message.channel or "sms",
        "provider": message.provider or "log",
    }
