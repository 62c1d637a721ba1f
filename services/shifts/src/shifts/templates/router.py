"""Shift template routes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep

from shifts.access import StaffUser
from shifts.db import Idempotent
from shifts.templates import service
from shifts.templates.schemas import TemplateCreate, TemplateRead, TemplateUpdate

router = APIRouter(prefix="/v1/shift-templates", tags=["shift templates"])


async def horizon_weeks(request: Request) -> int:
    """How many weeks ahead this service generates shifts."""
    weeks: int = request.app.state.runtime.settings.horizon_weeks
    return weeks


HorizonWeeks = Annotated[int, Depends(horizon_weeks)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TemplateRead)
async def create_template(
    data: TemplateCreate,
    session: SessionDep,
    caller: StaffUser,
    weeks: HorizonWeeks,
    once: Idempotent,
) -> JSONResponse:
    """Add weekly hours for a staff member and generate their shifts (clinic admins)."""
    return await once.run(
        session,
        caller,
        lambda: service.create_template(session, caller=caller, data=data, horizon_weeks=weeks),
        location=lambda template: f"{router.prefix}/{template.id}",
    )


@router.get("", response_model=Page[TemplateRead])
async def list_templates(
    session: SessionDep,
    caller: StaffUser,
    clinic_id: UUID | None = None,
    staff_id: UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[TemplateRead]:
    """Templates of the caller's clinics, oldest first (staff)."""
    return await service.list_templates(
        session, caller=caller, clinic_id=clinic_id, staff_id=staff_id, cursor=cursor, limit=limit
    )


@router.get("/{template_id}", response_model=TemplateRead)
async def get_template(template_id: UUID, session: SessionDep, caller: StaffUser) -> TemplateRead:
    """One template (staff of its clinic)."""
    return await service.get_template(session, caller=caller, template_id=template_id)


@router.patch("/{template_id}", response_model=TemplateRead)
async def update_template(
    template_id: UUID,
    data: TemplateUpdate,
    session: SessionDep,
    caller: StaffUser,
    weeks: HorizonWeeks,
) -> TemplateRead:
    """Change hours or validity; future shifts follow, except ones edited one by one."""
    return await service.update_template(
        session, caller=caller, template_id=template_id, data=data, horizon_weeks=weeks
    )


@router.delete("/{template_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(template_id: UUID, session: SessionDep, caller: StaffUser) -> None:
    """End a template: its future shifts are removed, past ones kept (clinic admins)."""
    await service.delete_template(session, caller=caller, template_id=template_id)
