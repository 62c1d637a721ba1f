"""Clinic queries."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from identity.clinics.models import Clinic


async def add(session: AsyncSession, clinic: Clinic) -> Clinic:
    """Insert a clinic and load its server-side defaults."""
    session.add(clinic)
    await session.flush()
    await session.refresh(clinic)
    return clinic


async def get(session: AsyncSession, clinic_id: UUID) -> Clinic | None:
    """A clinic by id, or None."""
    return await session.get(Clinic, clinic_id)
