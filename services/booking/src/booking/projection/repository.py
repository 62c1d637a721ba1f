"""Reads of the projection (writes go through servicekit.db.upsert and remove)."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from servicekit.problems import NotFound
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking.projection.models import Clinic, Patient, StaffRole


async def get_clinic(session: AsyncSession, clinic_id: UUID) -> Clinic:
    """A clinic; 404 when identity has not told booking about it."""
    return known_clinic(await session.get(Clinic, clinic_id), clinic_id)


def known_clinic(clinic: Clinic | None, clinic_id: UUID) -> Clinic:
    """The clinic read for `clinic_id`; 404 when identity has not told booking about it."""
    if clinic is None:
        raise NotFound(f"No clinic has id {clinic_id} (or it is not known to booking yet).")
    return clinic


async def is_provider(session: AsyncSession, *, clinic_id: UUID, staff_id: UUID) -> bool:
    """Whether the staff member holds the provider role at the clinic."""
    found = await session.scalar(
        select(StaffRole.staff_id).where(
            StaffRole.clinic_id == clinic_id,
            StaffRole.staff_id == staff_id,
            StaffRole.role == "provider",
        )
    )
    return found is not None


async def patient_names(session: AsyncSession, *, patient_ids: Collection[UUID]) -> dict[UUID, str]:
    """The names of those of the patients booking knows, by id."""
    if not patient_ids:
        return {}
    query = select(Patient.id, Patient.full_name).where(Patient.id.in_(patient_ids))
    return {patient_id: name for patient_id, name in (await session.execute(query)).all()}


async def deactivate_patient(session: AsyncSession, *, patient_id: UUID) -> None:
    """Leave a deactivated patient out of the devices' directory."""
    await session.execute(update(Patient).where(Patient.id == patient_id).values(active=False))
