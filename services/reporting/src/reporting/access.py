"""Who may read reports: clinic admins their clinics, organisation admins every clinic."""

from __future__ import annotations

from uuid import UUID

from servicekit.auth import CLINIC_ADMIN, Principal
from servicekit.problems import Forbidden, Problem


def require_report_reader(caller: Principal, clinic_id: UUID | None) -> None:
    """403 unless the caller administers the clinic; the whole network is for org admins."""
    if caller.is_org_admin:
        return
    if not caller.clinics(CLINIC_ADMIN):
        raise Forbidden("Only clinic admins and organisation admins may see reports.")
    if clinic_id is None:
        raise Problem(
            "Name the clinic: only organisation admins see the whole network.",
            status=422,
            slug="clinic-required",
        )
    if not caller.has_role(clinic_id, CLINIC_ADMIN):
        raise Forbidden("Only this clinic's admins and organisation admins may see its reports.")
