"""Providers' delivery reports applied to messages, and patients' replies to their contacts.

Reports about unknown messages are acknowledged and dropped: a provider retrying them forever
helps nobody. A replay finds its history entry already there and changes nothing, and a report
about an earlier attempt (the WhatsApp message an SMS replaced) is kept in the history only.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages import repository as messages
from notify.messages.models import Message
from notify.messages.repository import add_history
from notify.messages.status import fall_back_to_sms, mark_delivered, mark_failed
from notify.projection import repository as projection
from notify.webhooks.rules import (
    AT_DELIVERED,
    AT_FAILED,
    TWILIO_DELIVERED,
    TWILIO_FAILED,
    Reply,
    channel_of,
    meaning_of,
    phone_of,
)

log = logging.getLogger(__name__)


async def twilio_status(
    session: AsyncSession, *, form: dict[str, str], message_id: str | None
) -> None:
    """Apply Twilio's status callback to the message it is about, if notify knows it."""
    sid = form.get("MessageSid") or form.get("SmsSid", "")
    reported = (form.get("MessageStatus") or form.get("SmsStatus", "")).lower()
    message = await _twilio_message(session, message_id, sid)
    if message is None or not reported:
        log.info("Twilio reported %r for an unknown message (%s, %s)", reported, message_id, sid)
        return
    await apply_twilio_status(
        session,
        message,
        sid=sid,
        status=reported,
        to=form.get("To", ""),
        code=form.get("ErrorCode") or None,
        detail=form.get("ErrorMessage") or None,
    )


async def apply_twilio_status(
    session: AsyncSession,
    message: Message,
    *,
    sid: str,
    status: str,
    to: str,
    code: str | None,
    detail: str | None,
) -> None:
    """Apply Twilio's MessageStatus for MessageSid (sent to `to`) to the locked message."""
    if message.provider_message_id is None and message.provider in (None, "twilio"):
        # The send's outcome was unknown (a timeout): Twilio's report names the message now.
        message.provider_message_id = sid
    if sid != message.provider_message_id or (to and channel_of(to) != message.channel):
        await add_history(
            session, message, f"late_{status}", error_code=code, detail=f"about {sid}"
        )
        return
    code = code or status
    detail = detail or f"Twilio reported the message {status}"
    if status in TWILIO_DELIVERED:
        if status == "read":
            await add_history(session, message, "read")
        await mark_delivered(session, message)
    elif status in TWILIO_FAILED:
        if not await fall_back_to_sms(session, message, code, detail):
            await mark_failed(session, message, code, detail, status=status)
    else:  # queued, accepted, sending, sent: on the way, nothing to decide
        await add_history(session, message, status)


async def africastalking_report(session: AsyncSession, *, form: dict[str, str]) -> None:
    """Apply an Africa's Talking delivery report to the message it is about, if notify knows it."""
    provider_id, reported = form.get("id", ""), form.get("status", "")
    message = await messages.find_locked(
        session, provider="africastalking", provider_message_id=provider_id
    )
    if message is None or not reported:
        log.info("Africa's Talking reported %r for an unknown message %s", reported, provider_id)
        return
    await apply_africastalking_report(
        session, message, status=reported, reason=form.get("failureReason") or None
    )


async def apply_africastalking_report(
    session: AsyncSession, message: Message, *, status: str, reason: str | None
) -> None:
    """Apply an Africa's Talking delivery report (Success, Failed, Buffered, ...)."""
    if status in AT_DELIVERED:
        await mark_delivered(session, message)
    elif status in AT_FAILED:
        detail = f"Africa's Talking reported the message {status}"
        await mark_failed(session, message, reason or status, detail, status="undelivered")
    else:  # Sent, Submitted, Buffered: still with the network
        await add_history(session, message, status.lower())


async def apply_reply(session: AsyncSession, *, sender: str, text: str) -> Reply | None:
    """Opt every contact with the sender's phone out (STOP) or back in (START); else nothing."""
    meaning = meaning_of(text)
    phone = phone_of(sender)
    if not phone:
        return None
    if meaning == "opted_out":
        await projection.opt_out_phone(session, phone=phone, at=datetime.now(UTC))
    elif meaning == "opted_in":
        await projection.opt_in_phone(session, phone=phone)
    return meaning


async def _twilio_message(
    session: AsyncSession, message_id: str | None, sid: str
) -> Message | None:
    """The message our StatusCallback named, else the one with this Twilio id."""
    try:
        own_id = UUID(message_id) if message_id else None
    except ValueError:
        own_id = None
    found = await messages.get_locked(session, message_id=own_id) if own_id else None
    if found is None and sid:
        found = await messages.find_locked(session, provider="twilio", provider_message_id=sid)
    return found
