"""Messages' rules, without I/O: when one is due, whether a due one may still go, how, to where
and in which words, when an SMS may replace WhatsApp, and how a status moves.

Everything is checked again when the message is due, not when it was planned: the visit may
have been cancelled, the patient may have opted out or lost their phone number since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from clinic_contracts.identity import message_language
from phonenumbers import timezone as phone_zones
from servicekit.localtime import zone

from notify.messages.models import Message
from notify.messages.quiet_hours import clear_of_quiet_hours
from notify.projection.models import Appointment, Clinic, Contact, OfflineConflict
from notify.templates.rules import Visit, account_notice, built_in, render

_STOP_WORD = "STOP"
REGISTRATION_ATTEMPT = "registration_attempt"
ONE_NOTICE_PER = timedelta(hours=24)
"""However often someone tries, an account's owner gets one notice a day at most."""
NIGHT = (time(21, 0), time(7, 0))
"""An account notice's quiet hours where the owner's number is (it has no clinic to ask)."""
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
SKIP_DETAILS = {
    "no_phone": "The patient has no phone number.",
    "opted_out": "The patient opted out of messages.",
    "no_consent": "The patient consented to no channel this clinic's provider carries.",
    "reminders_off": "The patient turned reminders off.",
    "unknown_patient": "The patient is unknown to notify or deactivated.",
    "unknown_clinic": "The clinic is unknown to notify.",
}


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


def due_time(
    kind: str, nominal_at: datetime, starts_at: datetime, now: datetime
) -> datetime | None:
    """When a new message is due, quiet hours aside: at once, or a reminder at its time; None
    for a message about the past or a reminder that is already late."""
    if starts_at <= now or (kind == "reminder" and nominal_at <= now):
        return None
    return max(nominal_at, now) if kind == "reminder" else now


def clear_of_the_clinics_quiet_hours(
    due: datetime, clinic: Clinic, *, before: datetime
) -> datetime:
    """The due time moved out of the clinic's quiet hours, in its zone (see quiet_hours)."""
    tz = zone(clinic.time_zone)
    return clear_of_quiet_hours(due, tz, clinic.quiet_from, clinic.quiet_until, before=before)


def after_the_night(now: datetime, phone: str | None) -> datetime:
    """Now, or 07:00 where the phone is when it is night there (one-zone countries only)."""
    zones = _zones_of(phone)
    if len(zones) != 1:
        return now
    start, end = NIGHT
    return clear_of_quiet_hours(now, ZoneInfo(zones[0]), start, end, before=now + ONE_NOTICE_PER)


def _zones_of(phone: str | None) -> tuple[str, ...]:
    if phone is None:
        return ()
    try:
        zones = phone_zones.time_zones_for_number(phonenumbers.parse(phone, None))
    except phonenumbers.NumberParseException:
        return ()
    return tuple(z for z in zones if z != phone_zones.UNKNOWN_TIMEZONE)


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
    body = _words(message.kind, appointment, clinic, contact, wording)
    fallback = channel == "whatsapp" and "sms" in channels and sms_allowed(clinic, contact)
    return Ready(channel, provider, contact.phone, body, fallback)


def _words(
    kind: str,
    appointment: Subject,
    clinic: Clinic,
    contact: Contact,
    wording: dict[tuple[str, str], str],
) -> str:
    """The text: the clinic's wording (else the built-in one) in the patient's language, which
    still tells how to opt out."""
    language, words_in = _writing_language(contact.language)
    template = wording.get((kind, words_in)) or built_in(kind, words_in)
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
    return body


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


def sms_allowed(clinic: Clinic | None, contact: Contact | None) -> bool:
    """Whether an SMS may replace a failed WhatsApp message to this patient."""
    return (
        clinic is not None
        and clinic.fallback_to_sms
        and contact is not None
        and contact.consent_sms
        and contact.phone is not None
        and contact.opted_out_at is None
    )


def advance(message: Message, status: str, now: datetime) -> bool:
    """Move the message to `status` if that is further along; whether it moved."""
    if RANK[status] <= RANK[message.status]:
        return False
    message.status = status
    message.updated_at = now
    return True


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """How long a transient failure waits: `base_seconds`, doubled each attempt, an hour at most."""
    seconds = base_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))
