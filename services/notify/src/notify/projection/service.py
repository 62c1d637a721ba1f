"""What notify keeps of identity's and booking's events, and the clinics it knows."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from clinic_contracts.booking import (
    AppointmentEvent,
    OfflineConflictResolved,
    WaitlistOfferExpired,
    WaitlistOfferMade,
)
from clinic_contracts.identity import ClinicCreated, ClinicUpdated, UserRegistered, UserUpdated
from servicekit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from notify.projection import repository
from notify.projection.models import Clinic

OfferEvent = WaitlistOfferMade | WaitlistOfferExpired


async def known_clinic(session: AsyncSession, *, clinic_id: UUID, lock: bool = False) -> Clinic:
    """The clinic as notify knows it; 404 until identity's ClinicCreated has arrived."""
    clinic = await repository.get_clinic(session, clinic_id=clinic_id, lock=lock)
    if clinic is None:
        raise NotFound("Notify does not know this clinic (yet).")
    return clinic


async def keep_clinic(session: AsyncSession, event: ClinicCreated | ClinicUpdated) -> None:
    """Keep identity's name, zone and phone of a clinic; its messaging settings stay."""
    await repository.save_clinic(
        session,
        {"id": event.clinic_id, "name": event.name, "time_zone": event.time_zone}
        | {"phone": event.phone},
    )


async def keep_contact(session: AsyncSession, event: UserRegistered | UserUpdated) -> None:
    """Keep identity's name, phone, language and consent of a user; their choices stay."""
    await repository.save_contact(
        session,
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


async def deactivate_contact(session: AsyncSession, *, user_id: UUID) -> None:
    """A deactivated user is messaged no more."""
    await repository.deactivate_contact(session, user_id=user_id)


async def keep_appointment(session: AsyncSession, event: AppointmentEvent, as_of: datetime) -> bool:
    """Keep the appointment as the event leaves it; False when a newer event already did."""
    values = _appointment_row(event, event.appointment_id, event.status, as_of)
    return await repository.save_appointment_if_newer(session, values)


async def keep_offer(session: AsyncSession, event: OfferEvent, as_of: datetime) -> bool:
    """Keep a waitlist offer's held slot (pending, or cancelled once it lapsed); False when a
    newer event already did."""
    if isinstance(event, WaitlistOfferMade):
        status, expires = "pending", event.expires_at
    else:
        status, expires = "cancelled", None
    values = _appointment_row(event, event.hold_id, status, as_of) | {"offer_expires_at": expires}
    return await repository.save_appointment_if_newer(session, values)


async def keep_offline_conflict(
    session: AsyncSession, event: OfflineConflictResolved, as_of: datetime
) -> None:
    """Keep the time a cancelled offline conflict had given the patient."""
    values = {
        "id": event.conflict_id,
        "clinic_id": event.clinic_id,
        "patient_id": event.patient_id,
        "appointment_id": event.appointment_id,
        "type_name": event.type_name,
        "starts_at": event.starts_at,
        "time_zone": event.time_zone,
        "resolved_at": as_of,
    }
    await repository.save_offline_conflict(session, values)


def _appointment_row(
    event: AppointmentEvent | OfferEvent, appointment_id: UUID, status: str, as_of: datetime
) -> dict[str, object]:
    return {
        "id": appointment_id,
        "clinic_id": event.clinic_id,
        "patient_id": event.patient_id,
        "provider_id": event.provider_id,
        "type_name": event.type_name,
        "status": status,
        "starts_at": event.starts_at,
        "time_zone": event.time_zone,
        "as_of": as_of,
    }
