"""The utilisation gauge: today's booked minutes over shift minutes, per clinic, every minute."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from uuid import UUID

from servicekit.runtime import ServiceRuntime
from sqlalchemy import Date, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reporting.analytics.models import Clinic, DailyRollup, DailyShiftMinutes
from reporting.metrics import UTILISATION

log = logging.getLogger(__name__)


async def utilisation_today(sessions: async_sessionmaker[AsyncSession]) -> dict[UUID, float]:
    """Each clinic's utilisation on its current local day (0 when nobody is rostered)."""
    today = cast(func.timezone(Clinic.time_zone, func.now()), Date)
    booked = (
        select(func.coalesce(func.sum(DailyRollup.booked_minutes), 0))
        .where(DailyRollup.clinic_id == Clinic.id, DailyRollup.day == today)
        .scalar_subquery()
    )
    rostered = (
        select(func.coalesce(func.sum(DailyShiftMinutes.minutes), 0))
        .where(DailyShiftMinutes.clinic_id == Clinic.id, DailyShiftMinutes.day == today)
        .scalar_subquery()
    )
    async with sessions() as session:
        rows = await session.execute(select(Clinic.id, booked, rostered))
        return {clinic: (b / r if r else 0.0) for clinic, b, r in rows}


async def refresh_utilisation(runtime: ServiceRuntime) -> None:
    """Set the gauge every `utilisation_refresh_seconds` until the service stops."""
    interval: float = getattr(runtime.settings, "utilisation_refresh_seconds", 60.0)
    while not runtime.stopping.is_set():
        try:
            for clinic_id, ratio in (await utilisation_today(runtime.sessions)).items():
                UTILISATION.labels(str(clinic_id)).set(ratio)
        except Exception as exc:  # the database may be down; the next round retries
            log.warning("could not refresh utilisation: %s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.stopping.wait(), interval)
