"""Providers' delivery reports applied to a message (locked by the caller).

Reports come late, twice and out of order: a replay finds its history entry already there and
changes nothing, and a report about an earlier attempt (the WhatsApp message an SMS replaced)
is kept in the history only.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages.fallback import fall_back_to_sms
from notify.messages.history import mark_delivered, mark_failed, note
from notify.messages.models import Message

TWILIO_DELIVERED = frozenset({"delivered", "read"})
TWILIO_FAILED = frozenset({"failed", "undelivered"})
AT_DELIVERED = frozenset({"Success"})
AT_FAILED = frozenset({"Failed", "Rejected", "Expired"})


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
    """Apply Twilio's MessageStatus for MessageSid (sent to `to`) to the message."""
    if message.provider_message_id is None and message.provider in (None, "twilio"):
        # The send's outcome was unknown (a timeout): Twilio's report names the message now.
        message.provider_message_id = sid
    channel = "whatsapp" if to.startswith("whatsapp:") else "sms"
    if sid != message.provider_message_id or (to and channel != message.channel):
        await note(session, message, f"late_{status}", error_code=code, detail=f"about {sid}")
        return
    code = code or status
    detail = detail or f"Twilio reported the message {status}"
    if status in TWILIO_DELIVERED:
        if status == "read":
            await note(session, message, "read")
        await mark_delivered(session, message)
    elif status in TWILIO_FAILED:
        if not await fall_back_to_sms(session, message, code, detail):
            await mark_failed(session, message, code, detail, status=status)
    else:  # queued, accepted, sending, sent: on the way, nothing to decide
        await note(session, message, status)


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
        await note(session, message, status.lower())
