"""Rolling the horizon forward: as days pass, templates get shifts for the new days."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from servicekit.runtime import ServiceRuntime
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shifts.projection import repository as projection
from shifts.templates import repository
from shifts.templates.generation import horizon_end, sync_template

log = logging.getLogger(__name__)
BATCH = 50


async def extend_horizon(
    sessions: async_sessionmaker[AsyncSession], weeks: int, *, now: datetime | None = None
) -> int:
    """Generate shifts up to the horizon for every template behind it; templates extended.

    Runs in batches, each its own transaction, skipping templates another replica holds.
    Shifts that would clash with one added by hand since are skipped, not forced.
    """
    now = now or datetime.now(UTC)
    # Local today is within a day of UTC's, so every zone's horizon ends on or after this.
    lagging_before = now.date() + timedelta(weeks=weeks) - timedelta(days=1)
    extended = 0
    while True:
        async with sessions() as session, session.begin():
            batch = await repository.behind(session, lagging_before, BATCH)
            zones = await projection.zones_of(session, {t.clinic_id for t in batch})
            for template in batch:
                time_zone = zones.get(template.clinic_id, "UTC")
                done = template.generated_until
                await sync_template(
                    session,
                    template,
                    time_zone,
                    now=now,
                    until=horizon_end(now, time_zone, weeks),
                    actor=None,
                    from_day=done + timedelta(days=1) if done else None,
                    strict=False,
                )
        extended += len(batch)
        if len(batch) < BATCH:
            return extended


async def keep_horizon(runtime: ServiceRuntime) -> None:
    """Extend the horizon now and then every `horizon_check_seconds`, until the service stops."""
    settings = runtime.settings
    weeks: int = getattr(settings, "horizon_weeks", 12)
    interval: float = getattr(settings, "horizon_check_seconds", 3600.0)
    while not runtime.stopping.is_set():
        try:
            extended = await extend_horizon(runtime.sessions, weeks)
            if extended:
                log.info("rolled the horizon forward for %d templates", extended)
        except Exception as exc:  # the database may be down; the next round retries
            log.warning("could not roll the horizon forward: %s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.stopping.wait(), interval)
