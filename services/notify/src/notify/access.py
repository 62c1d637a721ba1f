"""Who may see and change what in notify: staff see their clinics, clinic admins configure them."""

from __future__ import annotations

from uuid import UUID

from servicekit.auth import CLINIC_ADMIN, STAFF_ROLES, Principal
from servicekit.problems import Forbidden, NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from notify.projection.models import Clinic


def is_staff(caller: Principal, clinic_id: UUID) -> bool:
    """Whether the caller works at the clinic (or administers the organisation)."""
    return caller.has_role(clinic_id, *STAFF_ROLES)


def require_staff(caller: Principal, clinic_id: UUID) -> None:
    """403 unless the caller works at the clinic (or administers the organisation)."""
    if not is_staff(caller, clinic_id):
        raise Forbidden("Only staff of this clinic may see this.")


def require_admin(caller: Principal, clinic_id: UUID) -> None:
    """403 unless the caller administers the clinic (or the organisation)."""
    if not caller.has_role(clinic_id, CLINIC_ADMIN):
        raise Forbidden("Only this clinic's admins and organisation admins may do this.")


async def known_clinic(session: AsyncSession, clinic_id: UUID, *, lock: bool = False) -> Clinic:
    """The clinic as notify knows it; 404 until identity's ClinicCreated has arrived."""
    clinic = await session.get(Clinic, clinic_id, with_for_update=lock)
    if clinic is None:
        raise NotFound("Notify does not know this clinic (yet).")
    return clinic
