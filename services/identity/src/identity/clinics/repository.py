"""Clinic queries."""

from uuid import UUID

from servicekit.db import contains_pattern
from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import select
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
    session: AsyncSession, *, name_contains: str | None, cursor: str | None, limit: int
) -> Keyset[Clinic]:
    """A page of clinics by name, then id."""
    query = select(Clinic)
    if name_contains:
        query = query.where(Clinic.name.ilike(contains_pattern(name_contains)))
    order = (Clinic.name, Clinic.id)
    return await keyset_page(session, query, order=order, cursor=cursor, limit=limit)
