"""Audit log routes."""

from typing import Annotated

from fastapi import APIRouter, Query
from servicekit.auth import CurrentUser
from servicekit.runtime import SessionDep

from identity.audit import service
from identity.audit.schemas import AuditEventList, AuditQuery

router = APIRouter(prefix="/v1/audit-events", tags=["audit"])


@router.get("", response_model=AuditEventList)
async def list_audit_events(
    query: Annotated[AuditQuery, Query()], session: SessionDep, principal: CurrentUser
) -> AuditEventList:
    """Audit entries, newest first (organisation admins: all; clinic admins: their clinics)."""
    return await service.list_events(session=session, principal=principal, query=query)
