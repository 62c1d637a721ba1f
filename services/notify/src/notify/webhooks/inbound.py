"""Patients' replies: STOP and its synonyms opt a phone out of every message, START back in.

Carriers and Twilio treat these words this way on SMS already; keeping the same list means a
patient who texts STOP is never messaged again through any provider or channel.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from notify.projection.models import Contact

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})


def phone_of(address: str) -> str:
    """The E.164 number of a sender: Twilio writes WhatsApp senders `whatsapp:+2547...`."""
    return address.strip().removeprefix("whatsapp:").strip()


async def apply_reply(
    session: AsyncSession, sender: str, text: str
) -> Literal["opted_out", "opted_in"] | None:
    """Opt every contact with the sender's phone out (STOP) or back in (START); else nothing."""
    word = text.strip().upper()
    phone = phone_of(sender)
    if not phone:
        return None
    if word in STOP_WORDS:
        # The first opt-out's time is kept: a repeated STOP is no news.
        await session.execute(
            update(Contact)
            .where(Contact.phone == phone, Contact.opted_out_at.is_(None))
            .values(opted_out_at=datetime.now(UTC))
        )
        return "opted_out"
    if word in START_WORDS:
        await session.execute(
            update(Contact)
            .where(Contact.phone == phone, Contact.opted_out_at.is_not(None))
            .values(opted_out_at=None)
        )
        return "opted_in"
    return None
