"""Identity's and booking's events kept in notify's projection, and the messages they call for.

From identity: clinics (name, zone, phone) and users (name, phone, language, consent). From
booking: appointments and waitlist offers, which plan confirmations, notices and reminders,
and offline conflicts staff cancelled, which tell the patient their time is gone.
Identity's DuplicateRegistrationAttempted plans an account notice to the account's owner.
"""

from __future__ import annotations

from clinic_contracts.booking import (
    BOOKING_TOPIC,
    AppointmentEvent,
    OfflineConflictResolved,
    WaitlistOfferExpired,
    WaitlistOfferMade,
)
from clinic_contracts.envelope import Event, EventEnvelope
from clinic_contracts.identity import (
    IDENTITY_TOPIC,
    ClinicCreated,
    ClinicUpdated,
    DuplicateRegistrationAttempted,
    UserDeactivated,
    UserRegistered,
    UserUpdated,
)
from servicekit.runtime import ServiceRuntime
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages import service as messages
from notify.projection import service as projection


async def on_event(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
    """Apply one identity or booking event."""
    match event:
        case ClinicCreated() | ClinicUpdated():
            await projection.keep_clinic(session, event)
        case UserRegistered() | UserUpdated():
            await projection.keep_contact(session, event)
        case UserDeactivated():
            await projection.deactivate_contact(session, user_id=event.user_id)
        case DuplicateRegistrationAttempted():
            await messages.on_duplicate_registration(session, event, envelope.occurred_at)
        case WaitlistOfferMade() | WaitlistOfferExpired():
            await messages.on_offer(session, event, envelope.occurred_at)
        case OfflineConflictResolved():
            await messages.on_conflict_resolved(session, event, envelope.occurred_at)
        case AppointmentEvent():
            await messages.on_appointment(session, event, envelope.occurred_at)


def subscribe(runtime: ServiceRuntime) -> None:
    """Keep the projection from clinic.identity.v1 and clinic.booking.v1."""
    runtime.consumer().subscribe({IDENTITY_TOPIC: on_event, BOOKING_TOPIC: on_event})
