"""Who may see and change which account: pure rules over the caller and the target."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from uuid import UUID

from servicekit.auth import CLINIC_ADMIN, ORG_ADMIN, Principal


def can_view(actor: Principal, *, user_id: UUID, kind: str, clinics: Collection[UUID]) -> bool:
    """Self, org admins, staff for patients, and staff for colleagues in a shared clinic."""
    if actor.user_id == user_id or actor.is_org_admin:
        return True
    staff_clinics = actor.clinics()
    if kind == "patient":
        return bool(staff_clinics)  # staff look patients up to book for them
    return bool(staff_clinics & set(clinics))


def can_grant(actor: Principal, role: str, clinic_id: UUID | None) -> bool:
    """Org admins grant any role; clinic admins grant clinic roles in their own clinics."""
    if actor.is_org_admin:
        return True
    return role != ORG_ADMIN and clinic_id in actor.clinics(CLINIC_ADMIN)


def can_grant_all(actor: Principal, grants: Iterable[tuple[str, UUID | None]]) -> bool:
    """Whether the caller may grant every one of these (role, clinic) pairs."""
    return all(can_grant(actor, role, clinic_id) for role, clinic_id in grants)


def can_create_staff(actor: Principal, grants: Collection[tuple[str, UUID | None]]) -> bool:
    """Org admins create anyone; clinic admins create staff of their own clinics only."""
    if actor.is_org_admin:
        return True
    return bool(grants) and can_grant_all(actor, grants)


def can_deactivate(
    actor: Principal, *, user_id: UUID, kind: str, roles: Collection[tuple[str, UUID | None]]
) -> bool:
    """Org admins deactivate others; clinic admins deactivate staff only of their clinics."""
    if actor.user_id == user_id:
        return False  # an admin locking themselves out is never what was meant
    if actor.is_org_admin:
        return True
    return kind == "staff" and bool(roles) and can_grant_all(actor, roles)
