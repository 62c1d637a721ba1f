"""Every SQL statement on message templates."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from uuid import UUID

from servicekit.db import upsert
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from notify.templates.models import Template


async def of_clinic(session: AsyncSession, *, clinic_id: UUID) -> list[Template]:
    """The clinic's own templates."""
    return list(await session.scalars(select(Template).where(Template.clinic_id == clinic_id)))


async def save(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert the template or replace its body."""
    await upsert(session, Template, values)


async def remove(session: AsyncSession, *, clinic_id: UUID, kind: str, language: str) -> bool:
    """Delete the clinic's template of this kind and language; whether there was one."""
    deleted = await session.scalar(
        delete(Template)
        .where(
            Template.clinic_id == clinic_id, Template.kind == kind, Template.language == language
        )
        .returning(Template.kind)
    )
    return deleted is not None


async def wording_of(
    session: AsyncSession, clinic_ids: Collection[UUID | None]
) -> dict[UUID | None, dict[tuple[str, str], str]]:
    """The clinics' own bodies by clinic, then by (kind, language)."""
    templates = await session.scalars(select(Template).where(Template.clinic_id.in_(clinic_ids)))
    wording: dict[UUID | None, dict[tuple[str, str], str]] = {}
    for template in templates:
        wording.setdefault(template.clinic_id, {})[(template.kind, template.language)] = (
            template.body
        )
    return wording
