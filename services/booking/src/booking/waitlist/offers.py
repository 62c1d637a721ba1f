"""Offering freed slots to the waitlist, first come first served, as timed holds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID

from clinic_contracts.booking import WaitlistOfferMade
from servicekit.problems import Problem
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import repository
from booking.appointments.models import Appointment
from booking.appointments.placement import Placement, place
from booking.db import outbox
from booking.projection.models import Clinic
from booking.types.models import AppointmentType
from booking.waitlist.lapse import offer_event
from booking.waitlist.models import BOOKED, OFFERED, WAITING, WaitlistEntry

OFFER_MINUTES = 60
"""How long a waiting patient has to take an offered slot (BOOKING_WAITLIST_OFFER_MINUTES)."""
CANDIDATES = 20
"""How many waiting entries are tried for one freed slot before giving up."""


async def offer_freed(
    session: AsyncSession,
    clinic: Clinic,
    provider_id: UUID,
    starts_at: datetime,
    *,
    minutes: int = OFFER_MINUTES,
) -> UUID | None:
    """Hold a freed start for the first waiting patient it suits; the entry offered, if any."""
    now = datetime.now(UTC)
    if starts_at <= now + timedelta(minutes=minutes):
        return None  # too close to offer: nobody could take it in time
    waiting = await session.scalars(
        select(WaitlistEntry)
        .where(
            WaitlistEntry.clinic_id == clinic.id,
            WaitlistEntry.status == WAITING,
            WaitlistEntry.earliest <= starts_at,
            WaitlistEntry.latest > starts_at,
            (WaitlistEntry.provider_id.is_(None)) | (WaitlistEntry.provider_id == provider_id),
        )
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        .limit(CANDIDATES)
        .with_for_update(skip_locked=True)
    )
    for entry in list(waiting):
        if await _offer(
            session, clinic, entry, provider_id, starts_at, now + timedelta(minutes=minutes)
        ):
            return entry.id
    return None


async def _offer(
    session: AsyncSession,
    clinic: Clinic,
    entry: WaitlistEntry,
    provider_id: UUID,
    starts_at: datetime,
    expires_at: datetime,
) -> bool:
    kind = await session.get(AppointmentType, entry.type_id)
    if kind is None or not kind.active:
        return False
    want = Placement(
        clinic, kind, starts_at, provider_id, staff=True, patient_id=entry.patient_id, explain=False
    )
    hold_id = uuid.uuid4()
    extra = {
        "id": hold_id,
        "clinic_id": clinic.id,
        "type_id": kind.id,
        "status": "pending",
        "hold_expires_at": expires_at,
        "waitlist_entry_id": entry.id,
        "created_by": entry.patient_id,
    }
    try:
        await place(session, want, lambda values: repository.add(session, values | extra))
    except Problem:
        return False  # this patient's type does not fit there, or they are busy then
    entry.status, entry.hold_id = OFFERED, hold_id
    entry.offers_made += 1
    entry.updated_at = datetime.now(UTC)
    hold = await session.get(Appointment, hold_id)
    assert hold is not None
    await repository.record(session, hold, "waitlist-offer", details={"entry_id": str(entry.id)})
    await outbox.stage(
        session, await offer_event(session, WaitlistOfferMade, hold, expires_at=expires_at)
    )
    return True


async def claim_offer(session: AsyncSession, entry_id: UUID) -> None:
    """The patient took the offered slot."""
    await session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id == entry_id)
        .values(status=BOOKED, updated_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
