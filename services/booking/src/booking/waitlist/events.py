"""The waitlist's events, built from the hold that keeps an offered slot."""

from __future__ import annotations

from typing import TypeVar

from clinic_contracts.booking import _Offer
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments.models import Appointment
from booking.waitlist import repository

E = TypeVar("E", bound=_Offer)


async def offer_event(
    session: AsyncSession, event: type[E], hold: Appointment, **extra: object
) -> E:
    """An offer event about `hold` (the slot held for a waitlist entry)."""
    name, time_zone = await repository.type_name_and_zone(session, type_id=hold.type_id)
    return event(
        entry_id=hold.waitlist_entry_id,
        hold_id=hold.id,
        clinic_id=hold.clinic_id,
        patient_id=hold.patient_id,
        provider_id=hold.provider_id,
        type_id=hold.type_id,
        type_name=name,
        starts_at=hold.starts_at,
        ends_at=hold.ends_at,
        time_zone=time_zone,
        **extra,
    )
