"""Reads and writes of the identity projection."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from servicekit.db import remove, upsert
from servicekit.problems import NotFound
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.projection.models import Clinic, StaffMember, StaffRole


async def get_clinic(session: AsyncSession, clinic_id: UUID, *, lock: bool = False) -> Clinic:
    """A clinic; 404 when identity has not told this service about it.

    lock: hold the clinic's row until commit; closures and template changes take it, so a
    template never generates shifts on days a closure is being added for at the same time.
    """
    clinic = await session.get(Clinic, clinic_id, with_for_update=lock)
    if clinic is None:
        raise NotFound(f"No clinic has id {clinic_id} (or it is not known to shifts yet).")
    return clinic


async def zones_of(session: AsyncSession, clinic_ids: Iterable[UUID]) -> dict[UUID, str]:
    """The time zone of each known clinic."""
    query = select(Clinic.id, Clinic.time_zone).where(Clinic.id.in_(list(clinic_ids)))
    return {row.id: row.time_zone for row in await session.execute(query)}


async def holds_role(session: AsyncSession, staff_id: UUID, clinic_id: UUID, role: str) -> bool:
    """Whether an active staff member holds `role` at the clinic."""
    query = (
        select(StaffRole.staff_id)
        .join(StaffMember, StaffMember.id == StaffRole.staff_id)
        .where(
            StaffRole.staff_id == staff_id,
            StaffRole.clinic_id == clinic_id,
            StaffRole.role == role,
            StaffMember.active,
        )
    )
    return (await session.scalar(query)) is not None


async def names_of(session: AsyncSession, staff_ids: Iterable[UUID]) -> dict[UUID, str]:
    """Full names of staff members, for rosters."""
    query = select(StaffMember.id, StaffMember.full_name).where(StaffMember.id.in_(list(staff_ids)))
    return {row.id: row.full_name for row in await session.execute(query)}


async def save_clinic(
    session: AsyncSession, clinic_id: UUID, name: str, time_zone: str
) -> str | None:
    """Insert or overwrite a clinic; its previous time zone (None when it is new)."""
    previous = await session.scalar(select(Clinic.time_zone).where(Clinic.id == clinic_id))
    await upsert(session, Clinic, {"id": clinic_id, "name": name, "time_zone": time_zone})
    return previous


async def save_staff(session: AsyncSession, staff_id: UUID, full_name: str) -> None:
    """Insert or rename a staff member."""
    await upsert(session, StaffMember, {"id": staff_id, "full_name": full_name})


async def deactivate_staff(session: AsyncSession, staff_id: UUID) -> None:
    """Mark a staff member as no longer working (kept for names on past rosters)."""
    statement = insert(StaffMember).values(id=staff_id, full_name="", active=False)
    await session.execute(
        statement.on_conflict_do_update(index_elements=[StaffMember.id], set_={"active": False})
    )


async def grant_role(
    session: AsyncSession, staff_id: UUID, clinic_id: UUID, role: str, specialty: str | None
) -> None:
    """Record a role held at a clinic."""
    role_key = {"staff_id": staff_id, "clinic_id": clinic_id, "role": role}
    await upsert(session, StaffRole, role_key | {"specialty": specialty})


async def revoke_role(session: AsyncSession, staff_id: UUID, clinic_id: UUID, role: str) -> None:
    """Forget a role held at a clinic."""
    await remove(session, StaffRole, staff_id=staff_id, clinic_id=clinic_id, role=role)
