"""What providers' reports and patients' replies mean, without I/O.

Reports come late, twice and out of order (status.py keeps a status from moving backwards).
Carriers and Twilio treat STOP and its synonyms as an opt-out on SMS already; keeping the same
list means a patient who texts STOP is never messaged again through any provider or channel.
"""

from __future__ import annotations

from typing import Literal

TWILIO_DELIVERED = frozenset({"delivered", "read"})
TWILIO_FAILED = frozenset({"failed", "undelivered"})
AT_DELIVERED = frozenset({"Success"})
AT_FAILED = frozenset({"Failed", "Rejected", "Expired"})
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})

Reply = Literal["opted_out", "opted_in"]


def phone_of(address: str) -> str:
    """The E.164 number of a sender: Twilio writes WhatsApp senders `whatsapp:+2547...`."""
    return address.strip().removeprefix("whatsapp:").strip()


def channel_of(address: str) -> str:
    """The channel of a Twilio address: `whatsapp:+2547...` or a plain number (SMS)."""
    return "whatsapp" if address.startswith("whatsapp:") else "sms"


def meaning_of(text: str) -> Reply | None:
    """What a patient's reply asks for: STOP opts out, START back in, anything else nothing."""
    word = text.strip().upper()
    if word in STOP_WORDS:
        return "opted_out"
    if word in START_WORDS:
        return "opted_in"
    return None
