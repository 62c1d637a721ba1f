"""Who may see and change what in booking: clinic admins set it up, staff see their clinics."""

from __future__ import annotations

from uuid import UUID

from servicekit.auth import CLINIC_ADMIN, RECEPTIONIST, STAFF_ROLES, Principal
from servicekit.problems import Forbidden


def require_admin(caller: Principal, clinic_id: UUID) -> None:
    """403 unless the caller administers the clinic (or the organisation)."""
    if not caller.has_role(clinic_id, CLINIC_ADMIN):
        raise Forbidden("Only this clinic's admins and organisation admins may do this.")


def is_staff(caller: Principal | None, clinic_id: UUID) -> bool:
    """Whether the caller works at the clinic (or administers the organisation)."""
    return caller is not None and caller.has_role(clinic_id, *STAFF_ROLES)


def is_front_desk(caller: Principal | None, clinic_id: UUID) -> bool:
    """Whether the caller books at the clinic's desk: its receptionists and admins."""
    return caller is not None and caller.has_role(clinic_id, RECEPTIONIST, CLINIC_ADMIN)


def require_front_desk(caller: Principal, clinic_id: UUID) -> None:
    """403 unless the caller is the clinic's front desk (receptionist, clinic admin; org admin)."""
    if not is_front_desk(caller, clinic_id):
        raise Forbidden("Only the clinic's receptionists and admins push its devices' changes.")
