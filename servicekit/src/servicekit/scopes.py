"""Whose records a list may show, and 403 for a filter beyond that (docs/authorization.yaml).

A list filtered by a clinic the caller's scope does not reach, or (for callers who see only
their own records) by another person, answers 403 rather than an empty page: the filter asks
for something the caller may not see. Decided from the token alone, so a clinic id that does
not exist is refused like any other clinic the caller does not work at, and a 403 reveals
nothing about which clinics exist. Without a filter, staff see their own clinics' records.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from servicekit.auth import STAFF_ROLES, Principal
from servicekit.problems import Forbidden


@dataclass(frozen=True)
class ListScope:
    """The records a list may show: of these clinics (None: every clinic), maybe own only."""

    clinics: frozenset[UUID] | None
    own_only: bool
    caller: UUID

    def person(self, named: UUID | None, *, noun: str = "patient") -> UUID | None:
        """The person filter to apply; 403 when an own-only caller names someone else."""
        if not self.own_only:
            return named
        if named not in (None, self.caller):
            raise Forbidden(f"You may list only your own records, not another {noun}'s.")
        return self.caller


def require_clinic_in_scope(
    caller: Principal, clinic_id: UUID | None, *roles: str, what: str = "records"
) -> None:
    """403 when a filter names a clinic where the caller holds none of `roles` (staff roles
    when none given); organisation admins reach every clinic."""
    if clinic_id is not None and not caller.has_role(clinic_id, *(roles or STAFF_ROLES)):
        raise Forbidden(f"You may not see clinic {clinic_id}'s {what}.")


def list_scope(caller: Principal, clinic_id: UUID | None, *, what: str = "records") -> ListScope:
    """Scope of a list patients see their own records in and staff their clinics' records.

    Organisation admins: every clinic, or the one named. Staff: their clinics, or the one
    named if they work there. Patients: their own records, at any clinic (they may be booked
    anywhere). Any other clinic filter is 403.
    """
    if caller.is_org_admin:
        return ListScope(
            None if clinic_id is None else frozenset({clinic_id}), False, caller.user_id
        )
    staff_clinics = caller.clinics()
    if clinic_id is None and staff_clinics:
        return ListScope(staff_clinics, False, caller.user_id)
    if clinic_id is not None and clinic_id in staff_clinics:
        return ListScope(frozenset({clinic_id}), False, caller.user_id)
    if clinic_id is None or caller.is_patient:
        return ListScope(
            None if clinic_id is None else frozenset({clinic_id}), True, caller.user_id
        )
    raise Forbidden(f"You may not see clinic {clinic_id}'s {what}.")
