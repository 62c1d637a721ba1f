"""Lapsed waitlist offers: the entry is marked lapsed and subscribers are told."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypeVar

from clinic_contracts.booking import WaitlistOfferExpired, _Offer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments.models import Appointment
from booking.db import outbox
from booking.projection.models import Clinic
from booking.types.models import AppointmentType
from booking.waitlist.models import LAPSED, OFFERED, WaitlistEntry

E = TypeVar("E", bound=_Offer)


async def lapse(session: AsyncSession, released: Sequence[Appointment]) -> list[Appointment]:
    """Mark the entries of released offer holds lapsed; the offer holds among `released`."""
    offers = {hold.waitlist_entry_id: hold for hold in released if hold.waitlist_entry_id}
    if not offers:
        return []
    entries = await session.scalars(
        update(WaitlistEntry)
        .where(WaitlistEntry.id.in_(list(offers)), WaitlistEntry.status == OFFERED)
        .values(status=LAPSED, hold_id=None, updated_at=datetime.now(UTC))
        .returning(WaitlistEntry)
        .execution_options(synchronize_session=False)
    )
    lapsed = [offers[entry.id] for entry in entries]
    await outbox.stage_many(
        session, [await offer_event(session, WaitlistOfferExpired, h) for h in lapsed]
    )
    return lapsed


async def offer_event(
    session: AsyncSession, event: type[E], hold: Appointment, **extra: object
) -> E:
    """An offer event about `hold` (the slot held for a waitlist entry)."""
    name, time_zone = (
        await session.execute(
            select(AppointmentType.name, Clinic.time_zone)
            .join(Clinic, Clinic.id == AppointmentType.clinic_id)
            .where(AppointmentType.id == hold.type_id)
        )
    ).one()
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
