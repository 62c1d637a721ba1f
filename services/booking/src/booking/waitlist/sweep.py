"""The background round that frees lapsed holds and passes lapsed offers to the next patient,
run when the earliest hold lapses."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from servicekit.runtime import ServiceRuntime
from servicekit.transactions import run_in_transaction
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from booking.appointments.repository import release_expired_holds, seconds_to_next_lapse
from booking.projection.repository import get_clinic
from booking.settings import Settings
from booking.waitlist.offers import lapse, offer_freed

log = logging.getLogger(__name__)
BATCH = 200
SHORTEST_PAUSE = 0.5  # seconds


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
    """Sweep when the earliest hold lapses, until the service stops."""
    settings = runtime.settings
    assert isinstance(settings, Settings)
    await keep_sweeping(
        runtime.sessions,
        runtime.stopping,
        longest=longest_pause(settings),
        offer_minutes=settings.waitlist_offer_minutes,
    )


def longest_pause(settings: Settings) -> float:
    """`hold_sweep_seconds`, but no longer than the shortest hold or offer.

    Every hold lapses at least that long after it is made, so one made while the sweep sleeps
    cannot lapse before the sweep wakes, sees it, and sleeps until it lapses: no NOTIFY needed.
    """
    shortest_hold = 60.0 * min(settings.hold_minutes, settings.waitlist_offer_minutes)
    return min(settings.hold_sweep_seconds, shortest_hold)


async def keep_sweeping(
    sessions: async_sessionmaker[AsyncSession],
    stop: asyncio.Event,
    *,
    longest: float,
    offer_minutes: int,
) -> None:
    """Sweep, then sleep until the earliest pending hold lapses (at most `longest`), until
    `stop`."""
    while not stop.is_set():
        pause = longest
        try:
            if released := await sweep_once(sessions, offer_minutes):
                log.info("released %d lapsed holds", released)
            pause = await _until_next_lapse(sessions, longest)
        except Exception as exc:  # the database may be down; the next round retries
            log.warning("could not release lapsed holds: %s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)


async def _until_next_lapse(sessions: async_sessionmaker[AsyncSession], longest: float) -> float:
    async with sessions() as session:
        seconds = await seconds_to_next_lapse(session)
    if seconds is None:
        return longest
    # At least a moment: a lapsed hold still there is locked, by another replica's sweep or a
    # booking of it, and is gone or booked in a moment.
    return min(max(seconds, SHORTEST_PAUSE), longest)
