"""Deciding, at send time, whether a message may still go, how, to where and in which words.

Everything is checked again when the message is due, not when it was planned: the visit may
have been cancelled, the patient may have opted out or lost their phone number since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from clinic_contracts.identity import message_language

from notify.messages.fallback import sms_allowed
from notify.messages.models import Message
from notify.projection.models import Appointment, Clinic, Contact, OfflineConflict
from notify.templates.wording import Visit, account_notice, built_in, render

_STOP_WORD = "STOP"


@dataclass(frozen=True)
class Ready:
    """Send this."""

    channel: str
    provider: str
    to: str
    body: str
    sms_fallback: bool  # whether an SMS may replace it if WhatsApp fails


@dataclass(frozen=True)
class Skip:
    """Do not send; `failed` when the patient could not be reached (an event says so)."""

    reason: str
    failed: bool


Subject = Appointment | OfflineConflict
"""What a message is worded from: the appointment, or for OFFLINE_CONFLICT_CANCELLED the
conflict (the time the patient was given, which the appointment never or no longer has)."""


def still_wanted(message: Message, appointment: Subject | None, now: datetime) -> str | None:
    """Why the message no longer makes sense, or None when it still does."""
    if appointment is None:
        return "unknown_appointment"
    if isinstance(appointment, OfflineConflict):
        return None if appointment.starts_at > now else "visit_started"
    if message.kind == "cancelled":
        return None if appointment.status == "cancelled" else f"appointment_{appointment.status}"
    if message.kind == "waitlist_offer":
        if appointment.status != "pending":
            return "offer_taken_or_lapsed"
        expires = appointment.offer_expires_at
        return None if expires is None or expires > now else "offer_lapsed"
    if appointment.status != "booked":
        return f"appointment_{appointment.status}"
    return None if appointment.starts_at > now else "visit_started"


def compose(
    message: Message,
    appointment: Subject | None,
    clinic: Clinic | None,
    contact: Contact | None,
    wording: dict[tuple[str, str], str],
    *,
    provider: str,
    channels: frozenset[str],
    now: datetime,
) -> Ready | Skip:
    """What to send for a due message, or why not; `appointment` is what it is worded from
    (`Subject`), `wording` maps (kind, language) to a clinic's own template, `provider` is the
    clinic's and `channels` what it carries."""
    if message.appointment_id is None:
        return compose_account_notice(message, contact, provider=provider, channels=channels)
    if (reason := still_wanted(message, appointment, now)) is not None:
        return Skip(reason, failed=False)
    assert appointment is not None
    if clinic is None:
        return Skip("unknown_clinic", failed=True)
    if contact is None or not contact.active:
        return Skip("unknown_patient", failed=True)
    if contact.phone is None:
        return Skip("no_phone", failed=True)
    if contact.opted_out_at is not None:
        return Skip("opted_out", failed=True)
    if message.kind == "reminder" and not contact.reminders:
        return Skip("reminders_off", failed=True)
    channel = _channel(message, clinic, contact, channels)
    if channel is None:
        return Skip("no_consent", failed=True)
    language, words_in = _writing_language(contact.language)
    template = wording.get((message.kind, words_in)) or built_in(message.kind, words_in)
    visit = Visit(
        patient=contact.full_name,
        clinic=clinic.name,
        clinic_phone=clinic.phone,
        type=appointment.type_name,
        starts_at=appointment.starts_at,
        time_zone=appointment.time_zone,
        expires_at=getattr(appointment, "offer_expires_at", None),
    )
    body = render(template, visit, language)
    if _STOP_WORD not in body:  # a clinic's own wording still tells how to opt out
        body = f"{body} {built_in('opt_out', language)}"
    fallback = channel == "whatsapp" and "sms" in channels and sms_allowed(clinic, contact)
    return Ready(channel, provider, contact.phone, body, fallback)


def _writing_language(tag: str) -> tuple[str, str]:
    """The patient's tag (for dates and times) and the language of the words; English for a
    language messages are not worded in (an account from before languages were checked)."""
    try:
        return tag, message_language(tag)
    except ValueError:
        return "en", "en"


def _channel(
    message: Message, clinic: Clinic, contact: Contact, channels: frozenset[str]
) -> str | None:
    wanted = message.channel or contact.preferred_channel or clinic.channel
    consents = {"sms": contact.consent_sms, "whatsapp": contact.consent_whatsapp}
    for channel in (wanted, "sms", "whatsapp"):
        if channel in channels and consents.get(channel):
            return channel
    return None


def compose_account_notice(
    message: Message, contact: Contact | None, *, provider: str, channels: frozenset[str]
) -> Ready | Skip:
    """What to send for a due account notice, or why not."""
    if contact is None or not contact.active:
        return Skip("unknown_patient", failed=True)
    if contact.phone is None:
        return Skip("no_phone", failed=True)
    if contact.opted_out_at is not None:
        return Skip("opted_out", failed=True)
    consents = {"sms": contact.consent_sms, "whatsapp": contact.consent_whatsapp}
    wanted = message.channel or "sms"  # the notice is an SMS wherever the person allows it
    channel = next(
        (c for c in (wanted, "sms", "whatsapp") if c in channels and consents.get(c)), None
    )
    if channel is None:
        return Skip("no_consent", failed=True)
    body = account_notice(message.kind, contact.language, contact.full_name)
    return Ready(channel, provider, contact.phone, body, sms_fallback=False)
