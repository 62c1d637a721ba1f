"""Reads of the projection (writes go through servicekit.db.upsert and remove)."""

from __future__ import annotations

from uuid import UUID

from servicekit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from booking.projection.models import Clinic


async def get_clinic(session: AsyncSession, clinic_id: UUID) -> Clinic:
    """A clinic; 404 when identity has not told booking about it."""
    return known_clinic(await session.get(Clinic, clinic_id), clinic_id)


def known_clinic(clinic: Clinic | None, clinic_id: UUID) -> Clinic:
    """The clinic read for `clinic_id`; 404 when identity has not told booking about it."""
    if clinic is None:
        raise NotFound(f"No clinic has id {clinic_id} (or it is not known to booking yet).")
    return clinic
