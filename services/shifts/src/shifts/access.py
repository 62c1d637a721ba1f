"""Who may see and change what in shifts: staff see their clinics, clinic admins manage them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends
from servicekit.auth import CLINIC_ADMIN, STAFF_ROLES, Principal, current_principal
from servicekit.problems import Forbidden


def require_admin(caller: Principal, clinic_id: UUID) -> None:
    """403 unless the caller administers the clinic (or the organisation)."""
    if not caller.has_role(clinic_id, CLINIC_ADMIN):
        raise Forbidden("Only this clinic's admins and organisation admins may do this.")


def require_staff(caller: Principal, clinic_id: UUID) -> None:
    """403 unless the caller works at the clinic (or administers the organisation)."""
    if not caller.has_role(clinic_id, *STAFF_ROLES):
        raise Forbidden("Only staff of this clinic may see this.")


def visible_clinics(caller: Principal) -> frozenset[UUID] | None:
    """The clinics whose rosters the caller may see; None means all of them."""
    return None if caller.is_org_admin else caller.clinics()


async def staff_member(caller: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """The caller, who must be staff somewhere or an organisation admin."""
    if not caller.is_org_admin and not caller.clinics():
        raise Forbidden("Shifts, leave and coverage are for staff.")
    return caller


StaffUser = Annotated[Principal, Depends(staff_member)]
