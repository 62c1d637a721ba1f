"""Reads of the projection (writes go through servicekit.db.upsert and remove)."""

from __future__ import annotations

from uuid import UUID

from servicekit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from booking.projection.models import Clinic


async def get_clinic(session: AsyncSession, clinic_id: UUID) -> Clinic:
    """A clinic; 404 when identity has not told booking about it."""
    clinic = await session.get(Clinic, clinic_id)
    if clinic is None:
        raise NotFound(f"No clinic has id {clinic_id} (or it is not known to booking yet).")
    return clinic
