"""A message's status changes: the row, its history and the event, in the caller's transaction.

Both the dispatcher (accepted, refused, retried) and the providers' callbacks (delivered,
undelivered) come through here, so a status is written one way only. A status never moves
backwards: a late "sent" callback after "delivered" lands in the history and nowhere else.
A WhatsApp message that fails goes again as SMS, where the clinic allows it and the patient
consents.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from clinic_contracts.notify import (
    NotificationDelivered,
    NotificationFailed,
    NotificationSent,
)
from sqlalchemy.ext.asyncio import AsyncSession

from notify.db import outbox
from notify.messages import repository
from notify.messages.models import Message
from notify.messages.rules import SKIP_DETAILS, Ready, Skip, advance, backoff, sms_allowed
from notify.projection import repository as projection
from notify.providers.base import Accepted, SendFailed
from notify.settings import Settings


async def mark_sending(
    session: AsyncSession, message: Message, decision: Ready, *, now: datetime, lease: datetime
) -> None:
    """A new attempt: the message is the dispatcher's until `lease`, worded as decided."""
    message.status, message.attempts = "sending", message.attempts + 1
    message.channel, message.provider = decision.channel, decision.provider
    message.to_phone, message.body = decision.to, decision.body
    message.attempted_at, message.next_attempt_at, message.updated_at = now, lease, now
    await repository.add_history(session, message, "sending")


async def mark_sent(session: AsyncSession, message: Message, provider_message_id: str) -> None:
    """The provider accepted the message."""
    now = datetime.now(UTC)
    message.provider_message_id = provider_message_id
    message.sent_at = now
    message.error_code = message.error_detail = None
    advance(message, "sent", now)
    await repository.add_history(session, message, "sent")
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
    if not await repository.add_history(session, message, "delivered"):
        return
    if advance(message, "delivered", now) and _published(message):
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
    if not await repository.add_history(session, message, status, error_code=code, detail=detail):
        return
    if advance(message, status, now):
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
    advance(message, "skipped", datetime.now(UTC))
    await repository.add_history(session, message, "skipped", error_code=reason)


async def skip(session: AsyncSession, message: Message, decision: Skip) -> None:
    """A message that is not sent: failed when the patient could not be reached, else skipped."""
    if decision.failed:
        await mark_failed(session, message, decision.reason, SKIP_DETAILS.get(decision.reason, ""))
    else:
        await mark_skipped(session, message, decision.reason)


async def fall_back_to_sms(session: AsyncSession, message: Message, code: str, detail: str) -> bool:
    """Queue the message again as SMS after a WhatsApp failure; False when it may not be."""
    if message.channel != "whatsapp" or message.clinic_id is None:
        return False  # account notices have no clinic to allow it
    clinic = await projection.get_clinic(session, clinic_id=message.clinic_id)
    contact = await projection.get_contact(session, user_id=message.patient_id)
    if not sms_allowed(clinic, contact):
        return False
    await repository.add_history(
        session, message, "failed", error_code=code, detail=f"WhatsApp: {detail}"[:500]
    )
    message.channel = "sms"
    message.status = "scheduled"
    message.next_attempt_at = message.updated_at = datetime.now(UTC)
    await repository.wake_dispatchers(session)  # a callback's fallback is due now, not at a poll
    return True


async def record_outcome(
    session: AsyncSession,
    message: Message,
    outcome: Accepted | SendFailed | None,
    *,
    reconciling: bool,
    settings: Settings,
) -> None:
    """What an attempt (or a look-up at the provider) came to: sent, free to go again, asked
    about again later, retried later, or failed (unless an SMS may replace it)."""
    now = datetime.now(UTC)
    if isinstance(outcome, Accepted):
        await mark_sent(session, message, outcome.provider_message_id)
        if outcome.status == "delivered":
            await mark_delivered(session, message)
    elif outcome is None:  # reconciled: the provider never got it, so it may go again
        await repository.add_history(session, message, "not_at_provider")
        message.status, message.next_attempt_at = "scheduled", now
    elif outcome.ambiguous:
        await repository.add_history(
            session, message, "unknown", error_code=outcome.code, detail=outcome.detail
        )
        message.next_attempt_at = now + timedelta(seconds=settings.provider_timeout_seconds)
    elif reconciling and outcome.transient:
        message.next_attempt_at = now + backoff(message.attempts, settings.retry_base_seconds)
    elif outcome.transient and message.attempts < settings.max_attempts:
        await repository.add_history(
            session, message, "retrying", error_code=outcome.code, detail=outcome.detail
        )
        message.status = "scheduled"
        message.next_attempt_at = now + backoff(message.attempts, settings.retry_base_seconds)
        message.error_code, message.error_detail = outcome.code, outcome.detail[:500]
    elif not await fall_back_to_sms(session, message, outcome.code, outcome.detail):
        await mark_failed(session, message, outcome.code, outcome.detail)


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
