"""What identity's events mean for the roster: a clinic's new zone, a staff member leaving."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from servicekit.localtime import local_day, zone
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.roster import repository as shifts
from shifts.roster.service import cancel_all
from shifts.templates import repository as templates
from shifts.templates.generation import sync_template


async def rezone(session: AsyncSession, clinic_id: UUID, time_zone: str) -> None:
    """Regenerate a clinic's template shifts in its new time zone."""
    # Generated shifts keep their wall-clock hours in the new zone; edited ones stay as set.
    now = datetime.now(UTC)
    for template in await templates.of_clinic(session, clinic_id):
        until = template.generated_until or local_day(now, zone(time_zone))
        await sync_template(
            session, template, time_zone, now=now, until=until, actor=None, strict=False
        )


async def release(
    session: AsyncSession, staff_id: UUID, *, clinic_id: UUID | None = None, role: str | None = None
) -> None:
    """Cancel a staff member's future shifts (at a clinic, in a role) and end their templates."""
    now = datetime.now(UTC)
    future = await shifts.scheduled_between(
        session, clinic_id=clinic_id, staff_id=staff_id, starts_after=now, role=role
    )
    await cancel_all(session, future, reason="staff_left", actor=None)
    owned = await (
        templates.of_clinic(session, clinic_id, staff_id=staff_id)
        if clinic_id is not None
        else templates.of_staff(session, staff_id)
    )
    await templates.remove(session, [t for t in owned if role is None or t.role == role])
