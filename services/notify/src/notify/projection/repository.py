"""Reads and writes of notify's projection: clinics, contacts, appointments, offline conflicts."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

from servicekit.db import upsert
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notify.projection.models import Appointment, Clinic, Contact, OfflineConflict


async def get_clinic(
    session: AsyncSession, *, clinic_id: UUID, lock: bool = False
) -> Clinic | None:
    """The clinic, if identity has told notify about it; `lock` holds its row until commit."""
    return await session.get(Clinic, clinic_id, with_for_update=lock)


async def get_contact(
    session: AsyncSession, *, user_id: UUID, lock: bool = False
) -> Contact | None:
    """The user's contact details, if identity has told notify about them."""
    return await session.get(Contact, user_id, with_for_update=lock)


async def get_appointment(session: AsyncSession, *, appointment_id: UUID) -> Appointment:
    """The appointment as last kept (it must be there)."""
    return await session.get_one(Appointment, appointment_id)


async def save_clinic(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert the clinic or overwrite identity's fields of it."""
    await upsert(session, Clinic, values)


async def save_contact(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert the contact or overwrite identity's fields of it."""
    await upsert(session, Contact, values)


async def deactivate_contact(session: AsyncSession, *, user_id: UUID) -> None:
    """Mark the user's contact inactive (nothing when notify does not know them)."""
    await session.execute(update(Contact).where(Contact.user_id == user_id).values(active=False))


async def save_appointment_if_newer(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Write the appointment unless a newer event already did; whether it was written."""
    changes = {k: v for k, v in values.items() if k != "id"}
    statement = insert(Appointment).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["id"], set_=changes, where=Appointment.as_of <= statement.excluded.as_of
    )
    written = await session.execute(statement.returning(Appointment.id))
    return written.first() is not None


async def save_offline_conflict(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert the cancelled offline conflict or overwrite it."""
    await upsert(session, OfflineConflict, values)


async def opt_out_phone(session: AsyncSession, *, phone: str, at: datetime) -> None:
    """Opt every contact with the phone out, keeping the time of an earlier opt-out."""
    await session.execute(
        update(Contact)
        .where(Contact.phone == phone, Contact.opted_out_at.is_(None))
        .values(opted_out_at=at)
    )


async def opt_in_phone(session: AsyncSession, *, phone: str) -> None:
    """Opt every contact with the phone back in."""
    await session.execute(
        update(Contact)
        .where(Contact.phone == phone, Contact.opted_out_at.is_not(None))
        .values(opted_out_at=None)
    )


async def appointments_by_id(
    session: AsyncSession, ids: Collection[UUID | None]
) -> dict[UUID | None, Appointment]:
    """The known appointments among `ids`, by id."""
    found = await session.scalars(select(Appointment).where(Appointment.id.in_(ids)))
    return {appointment.id: appointment for appointment in found}


async def clinics_by_id(
    session: AsyncSession, ids: Collection[UUID | None]
) -> dict[UUID | None, Clinic]:
    """The known clinics among `ids`, by id."""
    found = await session.scalars(select(Clinic).where(Clinic.id.in_(ids)))
    return {clinic.id: clinic for clinic in found}


async def contacts_by_user(session: AsyncSession, ids: Collection[UUID]) -> dict[UUID, Contact]:
    """The known contacts among the users `ids`, by user id."""
    found = await session.scalars(select(Contact).where(Contact.user_id.in_(ids)))
    return {contact.user_id: contact for contact in found}


async def conflicts_about(
    session: AsyncSession, appointment_ids: Collection[UUID | None]
) -> dict[tuple[UUID | None, datetime], OfflineConflict]:
    """Cancelled offline conflicts about these appointments, by (appointment, the time given)."""
    found = await session.scalars(
        select(OfflineConflict).where(OfflineConflict.appointment_id.in_(appointment_ids))
    )
    return {(conflict.appointment_id, conflict.starts_at): conflict for conflict in found}
