"""Pruning the change log: a cursor older than SYNC_CURSOR_MAX_AGE_HOURS answers a snapshot,
so changes older than that are never read again.

A margin past the age keeps the changes of a transaction that was still running when a
cursor was made (the cursor reads from that transaction on; its rows carry its start time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from servicekit.runtime import ServiceRuntime
from servicekit.transactions import run_in_transaction
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from booking.sync import repository

log = logging.getLogger(__name__)
BATCH = 5000
MARGIN = timedelta(hours=1)


async def prune_once(sessions: async_sessionmaker[AsyncSession], max_age: timedelta) -> int:
    """Prune changes older than `max_age` (and the margin), in batches; how many went."""
    before = datetime.now(UTC) - max_age - MARGIN

    async def batch(session: AsyncSession) -> int:
        return await repository.delete_changes_before(session, before=before, batch=BATCH)

    pruned = 0
    while True:
        count = await run_in_transaction(sessions, batch, service="booking")
        pruned += count
        if count < BATCH:
            return pruned


async def prune_changes(runtime: ServiceRuntime) -> None:
    """Prune every `sync_prune_seconds` until the service stops."""
    interval: float = getattr(runtime.settings, "sync_prune_seconds", 3600.0)
    hours: int = getattr(runtime.settings, "sync_cursor_max_age_hours", 168)
    while not runtime.stopping.is_set():
        try:
            if pruned := await prune_once(runtime.sessions, timedelta(hours=hours)):
                log.info("pruned %d sync changes", pruned)
        except Exception as exc:  # the database may be down; the next round retries
            log.warning("could not prune sync changes: %s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.stopping.wait(), interval)
