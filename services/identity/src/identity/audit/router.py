"""Audit log routes."""

from typing import Annotated

from fastapi import APIRouter, Query
from servicekit.auth import CurrentUser
from servicekit.runtime import SessionDep

from identity.audit import service, verification
from identity.audit.schemas import (
    AuditEventList,
    AuditQuery,
    AuditVerification,
    VerificationQuery,
)

router = APIRouter(prefix="/v1/audit-events", tags=["audit"])


@router.get("", response_model=AuditEventList)
async def list_audit_events(
    query: Annotated[AuditQuery, Query()], session: SessionDep, principal: CurrentUser
) -> AuditEventList:
    """Audit entries, newest first (organisation admins: all; clinic admins: their clinics)."""
    return await service.list_events(session=session, principal=principal, query=query)


@router.get("/verification", response_model=AuditVerification)
async def verify_audit_chain(
    query: Annotated[VerificationQuery, Query()], session: SessionDep, principal: CurrentUser
) -> AuditVerification:
    """Check the hash chain, oldest entry first, up to `limit` entries a call (org admins).

    Follow `next_cursor` until `complete`; `intact` false names the first broken link.
    """
    return await verification.verify(session=session, principal=principal, query=query)
