"""Offering freed slots to the waitlist, first come first served, as timed holds: an offer
is made, then claimed by booking its hold, or lapses with the hold."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from clinic_contracts.booking import WaitlistOfferExpired, WaitlistOfferMade
from servicekit.problems import Problem
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import placement
from booking.appointments import repository as appointments
from booking.appointments.models import Appointment
from booking.appointments.placement import Placement
from booking.db import outbox
from booking.projection.models import Clinic
from booking.waitlist import repository
from booking.waitlist.events import offer_event
from booking.waitlist.models import WaitlistEntry

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
    waiting = await repository.waiting_for(
        session, clinic_id=clinic.id, provider_id=provider_id, starts_at=starts_at, limit=CANDIDATES
    )
    for entry in waiting:
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
    kind = await appointments.get_type(session, type_id=entry.type_id)
    if kind is None or not kind.active:
        return False
    want = Placement(
        clinic, kind, starts_at, provider_id, staff=True, patient_id=entry.patient_id, explain=False
    )
    extra = {
        "id": uuid.uuid4(),
        "clinic_id": clinic.id,
        "type_id": kind.id,
        "status": "pending",
        "hold_expires_at": expires_at,
        "waitlist_entry_id": entry.id,
        "created_by": entry.patient_id,
    }
    try:
        hold = await _place_hold(session, want, extra)
    except Problem:
        return False  # this patient's type does not fit there, or they are busy then
    await repository.mark_offered(session, entry=entry, hold_id=hold.id)
    await appointments.record(
        session, row=hold, action="waitlist-offer", details={"entry_id": str(entry.id)}
    )
    await outbox.stage(
        session, await offer_event(session, WaitlistOfferMade, hold, expires_at=expires_at)
    )
    return True


async def _place_hold(session: AsyncSession, want: Placement, extra: dict[str, Any]) -> Appointment:
    """Place the offer's hold; other offers lapsing in its way lapse first (as they would for
    any booking)."""
    planned = await placement.plan(session, want)
    await lapse(session, released=planned.released)
    return await placement.take(
        session, planned, lambda values: appointments.add(session, values=values | extra)
    )


async def claim_offer(session: AsyncSession, *, entry_id: UUID) -> None:
    """The patient took the offered slot."""
    await repository.mark_booked(session, entry_id=entry_id)


async def lapse(session: AsyncSession, *, released: Sequence[Appointment]) -> list[Appointment]:
    """Mark the entries of released offer holds lapsed; the offer holds among `released`."""
    offers = {hold.waitlist_entry_id: hold for hold in released if hold.waitlist_entry_id}
    if not offers:
        return []
    lapsed = [
        offers[entry_id] for entry_id in await repository.mark_lapsed(session, entry_ids=offers)
    ]
    await outbox.stage_many(
        session, [await offer_event(session, WaitlistOfferExpired, h) for h in lapsed]
    )
    return lapsed
