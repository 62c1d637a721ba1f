"""Clinic queries."""

from uuid import UUID

from servicekit.db import contains_pattern
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from identity.clinics.models import Clinic


async def add(session: AsyncSession, clinic: Clinic) -> Clinic:
    """Insert a clinic and load its server-side defaults."""
    session.add(clinic)
    await session.flush()
    await session.refresh(clinic)
    return clinic


async def get(session: AsyncSession, clinic_id: UUID, *, for_update: bool = False) -> Clinic | None:
    """A clinic by id, or None."""
    return await session.get(Clinic, clinic_id, with_for_update=for_update)


async def list_clinics(
    session: AsyncSession, *, name_contains: str | None, after: tuple[str, UUID] | None, limit: int
) -> list[Clinic]:
    """Clinics by name, then id."""
    query = select(Clinic)
    if name_contains:
        query = query.where(Clinic.name.ilike(contains_pattern(name_contains)))
    if after is not None:
        query = query.where(tuple_(Clinic.name, Clinic.id) > tuple_(*after))
    return list(await session.scalars(query.order_by(Clinic.name, Clinic.id).limit(limit)))
