"""Who may see and change what in identity: accounts and roles, clinics, the audit log, and a
front desk device's pushes. Pure rules over the caller and the target; no I/O."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from uuid import UUID

from servicekit.auth import CLINIC_ADMIN, ORG_ADMIN, RECEPTIONIST, Principal
from servicekit.problems import Forbidden

FRONT_DESK = (RECEPTIONIST, CLINIC_ADMIN)


def can_view(actor: Principal, *, user_id: UUID, kind: str, clinics: Collection[UUID]) -> bool:
    """Self, org admins, staff for patients, and staff for colleagues in a shared clinic."""
    if actor.user_id == user_id or actor.is_org_admin:
        return True
    staff_clinics = actor.clinics()
    if kind == "patient":
        return bool(staff_clinics)  # staff look patients up to book for them
    return bool(staff_clinics & set(clinics))


def can_list_users(actor: Principal) -> bool:
    """Org admins and anyone who works at a clinic."""
    return actor.is_org_admin or bool(actor.clinics())


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


def require_clinic_admin(actor: Principal, clinic_id: UUID) -> None:
    """403 unless the caller administers the clinic (or the organisation)."""
    if not actor.has_role(clinic_id, CLINIC_ADMIN):
        raise Forbidden("Only organisation admins and this clinic's admins may change it.")


def require_front_desk(actor: Principal, clinic_id: UUID) -> None:
    """403 unless the caller is a receptionist or admin of the clinic, or an org admin."""
    if not actor.is_org_admin and clinic_id not in actor.clinics(*FRONT_DESK):
        raise Forbidden(f"You are not front desk staff of clinic {clinic_id}.")


def readable_audit_clinics(actor: Principal, clinic_id: UUID | None) -> frozenset[UUID] | None:
    """The clinics whose audit entries the caller may read (None: all, org admins); else 403."""
    if actor.is_org_admin:
        return None if clinic_id is None else frozenset({clinic_id})
    administered = actor.clinics(CLINIC_ADMIN)
    if not administered:
        raise Forbidden("Only organisation and clinic admins may read the audit log.")
    if clinic_id is None:
        return administered
    if clinic_id not in administered:
        raise Forbidden(f"You are not an admin of clinic {clinic_id}.")
    return frozenset({clinic_id})


def require_audit_verifier(actor: Principal) -> None:
    """403 unless the caller is an organisation admin."""
    if not actor.is_org_admin:
        # The chain runs through every clinic's entries, so only whole-network admins walk it.
        raise Forbidden("Only organisation admins may verify the audit log.")
