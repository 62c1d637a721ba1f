"""Shift template queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.templates.models import ShiftTemplate


async def get(
    session: AsyncSession, template_id: UUID, *, for_update: bool = False
) -> ShiftTemplate | None:
    """A template by id, or None."""
    return await session.get(ShiftTemplate, template_id, with_for_update=for_update)


async def add(session: AsyncSession, template: ShiftTemplate) -> None:
    """Insert a template and read back what the database filled in."""
    session.add(template)
    await session.flush()
    await session.refresh(template)


async def lock(session: AsyncSession, template: ShiftTemplate) -> None:
    """Re-read a template and hold its row until commit."""
    await session.refresh(template, with_for_update=True)


async def remove(session: AsyncSession, templates: Sequence[ShiftTemplate]) -> None:
    """Delete templates; the shifts they made stay, no longer tied to a template."""
    for template in templates:
        await session.delete(template)
    await session.flush()


async def list_templates(
    session: AsyncSession,
    *,
    clinic_ids: frozenset[UUID] | None,
    staff_id: UUID | None,
    cursor: str | None,
    limit: int,
) -> Keyset[ShiftTemplate]:
    """A page of templates by creation, oldest first; `clinic_ids` None means every clinic."""
    query = select(ShiftTemplate)
    if clinic_ids is not None:
        query = query.where(ShiftTemplate.clinic_id.in_(clinic_ids))
    if staff_id is not None:
        query = query.where(ShiftTemplate.staff_id == staff_id)
    order = (ShiftTemplate.created_at, ShiftTemplate.id)
    return await keyset_page(session, query, order=order, cursor=cursor, limit=limit)


async def of_clinic(
    session: AsyncSession, clinic_id: UUID, *, staff_id: UUID | None = None
) -> list[ShiftTemplate]:
    """A clinic's templates (of one staff member), locked for a resync."""
    query = select(ShiftTemplate).where(ShiftTemplate.clinic_id == clinic_id)
    if staff_id is not None:
        query = query.where(ShiftTemplate.staff_id == staff_id)
    return list(await session.scalars(query.order_by(ShiftTemplate.id).with_for_update()))


async def of_staff(session: AsyncSession, staff_id: UUID) -> list[ShiftTemplate]:
    """A staff member's templates at every clinic, locked."""
    query = select(ShiftTemplate).where(ShiftTemplate.staff_id == staff_id)
    return list(await session.scalars(query.order_by(ShiftTemplate.id).with_for_update()))


async def behind(session: AsyncSession, before: date, limit: int) -> list[ShiftTemplate]:
    """Templates whose shifts stop before `before` and that still run then, skip-locked."""
    query = (
        select(ShiftTemplate)
        .where(
            or_(ShiftTemplate.generated_until.is_(None), ShiftTemplate.generated_until < before),
            or_(
                ShiftTemplate.valid_until.is_(None),
                ShiftTemplate.generated_until.is_(None),
                ShiftTemplate.valid_until > ShiftTemplate.generated_until,
            ),
        )
        .order_by(ShiftTemplate.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await session.scalars(query))
