"""Identity's and booking's events kept in notify's projection, and the messages they call for.

From identity: clinics (name, zone, phone) and users (name, phone, language, consent). From
booking: appointments and waitlist offers, which plan confirmations, notices and reminders,
and offline conflicts staff cancelled, which tell the patient their time is gone.
Identity's DuplicateRegistrationAttempted plans an account notice to the account's owner.
"""

from __future__ import annotations

from datetime import UTC, datetime

from clinic_contracts.booking import (
    BOOKING_TOPIC,
    OfflineConflictResolved,
    WaitlistOfferExpired,
    WaitlistOfferMade,
)
from clinic_contracts.envelope import EventEnvelope
from clinic_contracts.identity import (
    IDENTITY_TOPIC,
    ClinicCreated,
    ClinicUpdated,
    DuplicateRegistrationAttempted,
    UserDeactivated,
    UserRegistered,
    UserUpdated,
)
from clinic_contracts.registry import UnknownEventType, parse_event
from servicekit.db import upsert
from servicekit.runtime import ServiceRuntime
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages.account import on_duplicate_registration
from notify.messages.conflicts import on_conflict_resolved
from notify.messages.planning import APPOINTMENT_EVENTS, on_appointment, on_offer
from notify.projection.models import Clinic, Contact


async def on_event(session: AsyncSession, envelope: EventEnvelope) -> None:
    """Apply one identity or booking event."""
    try:
        event = parse_event(envelope)
    except UnknownEventType:
        return  # newer than this code: nothing to keep from it
    match event:
        case ClinicCreated() | ClinicUpdated():
            await upsert(
                session,
                Clinic,
                {"id": event.clinic_id, "name": event.name, "time_zone": event.time_zone}
                | {"phone": event.phone},
            )
        case UserRegistered() | UserUpdated():
            await upsert(
                session,
                Contact,
                {
                    "user_id": event.user_id,
                    "kind": event.kind,
                    "full_name": event.full_name,
                    "phone": event.phone,
                    "language": event.preferred_language,
                    "consent_sms": event.consent.sms,
                    "consent_whatsapp": event.consent.whatsapp,
                    "active": True,
                    "updated_at": datetime.now(UTC),
                },
            )
        case UserDeactivated():
            await session.execute(
                update(Contact).where(Contact.user_id == event.user_id).values(active=False)
            )
        case DuplicateRegistrationAttempted():
            await on_duplicate_registration(session, event, envelope.occurred_at)
        case WaitlistOfferMade() | WaitlistOfferExpired():
            await on_offer(session, event, envelope.occurred_at)
        case OfflineConflictResolved():
            await on_conflict_resolved(session, event, envelope.occurred_at)
        case _ if isinstance(event, APPOINTMENT_EVENTS):
            await on_appointment(session, event, envelope.occurred_at)


def subscribe(runtime: ServiceRuntime) -> None:
    """Keep the projection from clinic.identity.v1 and clinic.booking.v1."""
    runtime.consumer().subscribe({IDENTITY_TOPIC: on_event, BOOKING_TOPIC: on_event})
