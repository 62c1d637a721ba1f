"""The background round that frees lapsed holds and passes lapsed offers to the next patient."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from servicekit.runtime import ServiceRuntime
from servicekit.transactions import run_in_transaction
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from booking.appointments.repository import release_expired_holds
from booking.projection.repository import get_clinic
from booking.waitlist.offers import lapse, offer_freed

log = logging.getLogger(__name__)
BATCH = 200


async def sweep_once(sessions: async_sessionmaker[AsyncSession], offer_minutes: int) -> int:
    """One round, in batches of their own transactions (replicas skip each other's rows).

    Passing an offer on takes a time under the exclusion constraints, so a batch that meets
    a deadlock is run again rather than waiting for the next round.
    """
    released = 0
    while True:
        count = await run_in_transaction(
            sessions, lambda session: _sweep_batch(session, offer_minutes), service="booking"
        )
        released += count
        if count < BATCH:
            return released


async def _sweep_batch(session: AsyncSession, offer_minutes: int) -> int:
    holds = await release_expired_holds(session, limit=BATCH)
    for hold in await lapse(session, released=holds):
        clinic = await get_clinic(session, hold.clinic_id)
        await offer_freed(session, clinic, hold.provider_id, hold.starts_at, minutes=offer_minutes)
    return len(holds)


async def sweep_holds(runtime: ServiceRuntime) -> None:
    """Sweep every `hold_sweep_seconds` until the service stops."""
    interval: float = getattr(runtime.settings, "hold_sweep_seconds", 5.0)
    minutes: int = getattr(runtime.settings, "waitlist_offer_minutes", 60)
    while not runtime.stopping.is_set():
        try:
            if released := await sweep_once(runtime.sessions, minutes):
                log.info("released %d lapsed holds", released)
        except Exception as exc:  # the database may be down; the next round retries
            log.warning("could not release lapsed holds: %s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.stopping.wait(), interval)
