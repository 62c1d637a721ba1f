"""Shift template use cases; every change brings the roster's future shifts in step."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from servicekit.auth import Principal
from servicekit.db import apply_changes
from servicekit.localtime import local_day, zone
from servicekit.pagination import Page
from servicekit.problems import NotFound, Problem
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.access import require_admin, require_staff, visible_clinics
from shifts.projection import repository as projection
from shifts.projection.models import Clinic
from shifts.roster.service import NotQualified
from shifts.templates import repository
from shifts.templates.generation import horizon_end, sync_template
from shifts.templates.models import ShiftTemplate
from shifts.templates.schemas import SyncSummary, TemplateCreate, TemplateRead, TemplateUpdate


def _fields(data: TemplateCreate | TemplateUpdate) -> dict[str, Any]:
    fields = data.model_dump(exclude_unset=isinstance(data, TemplateUpdate), exclude={"weekly"})
    if data.weekly is not None:
        fields["weekly"] = [day.model_dump(mode="json") for day in data.weekly]
    return fields


def _read(template: ShiftTemplate, sync: SyncSummary | None = None) -> TemplateRead:
    return TemplateRead.model_validate(template).model_copy(update={"sync": sync})


async def create_template(
    session: AsyncSession, *, caller: Principal, data: TemplateCreate, horizon_weeks: int
) -> TemplateRead:
    """Add a template and its shifts up to the horizon (clinic admins); 409 on any overlap."""
    require_admin(caller, data.clinic_id)
    clinic = await projection.get_clinic(session, data.clinic_id, lock=True)
    if not await projection.holds_role(session, data.staff_id, data.clinic_id, data.role):
        raise NotQualified(
            f"Staff member {data.staff_id} does not hold the {data.role} role at this clinic."
        )
    template = ShiftTemplate(id=uuid.uuid4(), created_by=caller.user_id, **_fields(data))
    await repository.add(session, template)
    now = datetime.now(UTC)
    summary = await sync_template(
        session,
        template,
        clinic.time_zone,
        now=now,
        until=horizon_end(now, clinic.time_zone, horizon_weeks),
        actor=caller.user_id,
    )
    return _read(template, summary)


async def _template(session: AsyncSession, template_id: UUID) -> ShiftTemplate:
    template = await repository.get(session, template_id)
    if template is None:
        raise NotFound(f"No shift template has id {template_id}.")
    return template


async def _locked(
    session: AsyncSession, caller: Principal, template_id: UUID
) -> tuple[ShiftTemplate, Clinic]:
    """The template and its clinic, locked clinic first, as closures lock them."""
    template = await _template(session, template_id)
    require_admin(caller, template.clinic_id)
    clinic = await projection.get_clinic(session, template.clinic_id, lock=True)
    await repository.lock(session, template)
    return template, clinic


async def get_template(
    session: AsyncSession, *, caller: Principal, template_id: UUID
) -> TemplateRead:
    """One template (staff of its clinic)."""
    template = await _template(session, template_id)
    require_staff(caller, template.clinic_id)
    return _read(template)


async def list_templates(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID | None,
    staff_id: UUID | None,
    cursor: str | None,
    limit: int,
) -> Page[TemplateRead]:
    """Templates of the caller's clinics, oldest first."""
    clinics = visible_clinics(caller)
    if clinic_id is not None:
        require_staff(caller, clinic_id)
        clinics = frozenset({clinic_id})
    page = await repository.list_templates(
        session, clinic_ids=clinics, staff_id=staff_id, cursor=cursor, limit=limit
    )
    return Page[TemplateRead](items=[_read(t) for t in page.items], next_cursor=page.next_cursor)


async def update_template(
    session: AsyncSession,
    *,
    caller: Principal,
    template_id: UUID,
    data: TemplateUpdate,
    horizon_weeks: int,
) -> TemplateRead:
    """Change a template; its future shifts follow unless edited one by one (clinic admins)."""
    template, clinic = await _locked(session, caller, template_id)
    apply_changes(template, _fields(data))
    if template.valid_until is not None and template.valid_until < template.valid_from:
        raise Problem(
            "valid_until must not be before valid_from.", status=422, slug="invalid-template"
        )
    await session.flush()
    now = datetime.now(UTC)
    summary = await sync_template(
        session,
        template,
        clinic.time_zone,
        now=now,
        until=horizon_end(now, clinic.time_zone, horizon_weeks),
        actor=caller.user_id,
    )
    return _read(template, summary)


async def delete_template(session: AsyncSession, *, caller: Principal, template_id: UUID) -> None:
    """End a template: its future shifts go, unless edited one by one; past ones stay."""
    template, clinic = await _locked(session, caller, template_id)
    now = datetime.now(UTC)
    yesterday = local_day(now, zone(clinic.time_zone)) - timedelta(days=1)
    template.valid_until = yesterday
    template.valid_from = min(template.valid_from, yesterday)
    await sync_template(
        session, template, clinic.time_zone, now=now, until=yesterday, actor=caller.user_id
    )
    await repository.remove(session, [template])
