"""Clinic use cases: state change and event in one transaction, never committed here."""

import uuid
from uuid import UUID

from clinic_contracts.identity import ClinicCreated
from servicekit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from identity.clinics import repository
from identity.clinics.models import Clinic
from identity.clinics.schemas import ClinicCreate
from identity.db import outbox


async def create_clinic(*, session: AsyncSession, data: ClinicCreate) -> Clinic:
    """Create a clinic and stage ClinicCreated in the same transaction."""
    clinic = await repository.add(
        session, Clinic(id=uuid.uuid4(), name=data.name, time_zone=data.time_zone)
    )
    await outbox.stage(
        session,
        ClinicCreated(clinic_id=clinic.id, name=clinic.name, time_zone=clinic.time_zone),
        aggregate_id=clinic.id,
        clinic_id=clinic.id,
    )
    return clinic


async def get_clinic(*, session: AsyncSession, clinic_id: UUID) -> Clinic:
    """A clinic, or 404."""
    clinic = await repository.get(session, clinic_id)
    if clinic is None:
        raise NotFound(f"No clinic has id {clinic_id}.")
    return clinic
