"""Account notices planned: messages about a person's account, not an appointment (no clinic).

`DuplicateRegistrationAttempted` from identity plans one "registration_attempt" SMS to the
account's owner, at most one per account in any 24 hours however often someone tries, so an
attacker cannot flood a number. It waits out the night (21:00-07:00) where the number's
country has a single time zone. At send time the usual rules apply (compose.py): an active
contact with a phone, not opted out, consenting to a channel (SMS first); the service's
default provider.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from clinic_contracts.identity import DuplicateRegistrationAttempted
from phonenumbers import timezone as phone_zones
from sqlalchemy import exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages.models import Message, MessageEvent
from notify.messages.quiet import clear_of_quiet_hours
from notify.projection.models import Contact

REGISTRATION_ATTEMPT = "registration_attempt"
ONE_NOTICE_PER = timedelta(hours=24)
NIGHT = (time(21, 0), time(7, 0))


async def on_duplicate_registration(
    session: AsyncSession, event: DuplicateRegistrationAttempted, occurred_at: datetime
) -> None:
    """Plan the owner's SMS, unless they were sent one in the 24 hours before this attempt."""
    # Locks the contact: two attempts handled at once still plan one message between them.
    contact = await session.get(Contact, event.user_id, with_for_update=True)
    recent = exists().where(
        Message.patient_id == event.user_id,
        Message.kind == REGISTRATION_ATTEMPT,
        Message.nominal_at > occurred_at - ONE_NOTICE_PER,
    )
    if await session.scalar(select(recent)):
        return
    now = datetime.now(UTC)
    planned = await session.execute(
        insert(Message)
        .values(
            id=uuid.uuid4(),
            appointment_id=None,
            clinic_id=None,
            patient_id=event.user_id,
            kind=REGISTRATION_ATTEMPT,
            nominal_at=occurred_at,
            due_at=_after_the_night(now, contact.phone if contact else None),
        )
        .returning(Message.id)
    )
    message_id = planned.scalar_one()
    await session.execute(
        insert(MessageEvent).values(message_id=message_id, attempt=0, status="scheduled")
    )


def _after_the_night(now: datetime, phone: str | None) -> datetime:
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
