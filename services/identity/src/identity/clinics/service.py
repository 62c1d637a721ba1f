"""Clinic use cases: state change, event and audit entry in one transaction, never committed."""

from __future__ import annotations

import uuid
from uuid import UUID

from clinic_contracts.identity import ClinicCreated, ClinicUpdated
from servicekit.auth import Principal
from servicekit.pagination import Page
from servicekit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from identity import access
from identity.audit import service as audit
from identity.clinics import repository
from identity.clinics.models import Clinic
from identity.clinics.schemas import ClinicCreate, ClinicRead, ClinicUpdate
from identity.db import apply_changes, outbox


def _details(clinic: Clinic) -> dict[str, object]:
    return {
        "clinic_id": clinic.id,
        "name": clinic.name,
        "time_zone": clinic.time_zone,
        "address": clinic.address,
        "phone": clinic.phone,
        "opening_hours": clinic.opening_hours,
        "booking_policy": clinic.booking_policy,
    }


async def create_clinic(
    *, session: AsyncSession, actor: Principal, data: ClinicCreate, client: str
) -> ClinicRead:
    """Create a clinic and stage ClinicCreated in the same transaction."""
    fields = data.model_dump(mode="json")
    clinic = await repository.add(session, Clinic(id=uuid.uuid4(), **fields))
    await outbox.stage(
        session, ClinicCreated(**_details(clinic)), aggregate_id=clinic.id, clinic_id=clinic.id
    )
    await audit.record(
        session,
        action="clinic.created",
        actor_id=actor.user_id,
        clinic_id=clinic.id,
        client_address=client,
    )
    return ClinicRead.model_validate(clinic)


async def get_clinic(*, session: AsyncSession, clinic_id: UUID) -> ClinicRead:
    """A clinic, or 404."""
    clinic = await repository.get(session, clinic_id)
    if clinic is None:
        raise NotFound(f"No clinic has id {clinic_id}.")
    return ClinicRead.model_validate(clinic)


async def list_clinics(
    *, session: AsyncSession, name_contains: str | None, cursor: str | None, limit: int
) -> Page[ClinicRead]:
    """Clinics by name, a page at a time."""
    page = await repository.list_clinics(
        session, name_contains=name_contains, cursor=cursor, limit=limit
    )
    return Page[ClinicRead](
        items=[ClinicRead.model_validate(c) for c in page.items], next_cursor=page.next_cursor
    )


async def update_clinic(
    *, session: AsyncSession, actor: Principal, clinic_id: UUID, data: ClinicUpdate, client: str
) -> ClinicRead:
    """Change a clinic (org admins, or its clinic admins); ClinicUpdated when anything changed."""
    access.require_clinic_admin(actor, clinic_id)
    clinic = await repository.get(session, clinic_id, for_update=True)
    if clinic is None:
        raise NotFound(f"No clinic has id {clinic_id}.")
    changes = data.model_dump(mode="json", exclude_unset=True)
    changed = apply_changes(clinic, changes)
    if changed:
        await session.flush()
        await outbox.stage(
            session, ClinicUpdated(**_details(clinic)), aggregate_id=clinic.id, clinic_id=clinic.id
        )
        await audit.record(
            session,
            action="clinic.updated",
            actor_id=actor.user_id,
            clinic_id=clinic.id,
            client_address=client,
            details={"fields": changed},
        )
    return ClinicRead.model_validate(clinic)
