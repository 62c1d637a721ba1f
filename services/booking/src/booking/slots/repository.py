"""What slot search reads: eligible providers, their shifts at the clinic, their leave."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from servicekit.intervals import Interval
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from booking.projection.models import LeaveWindow, ShiftWindow, StaffMember, StaffRole


async def providers(
    session: AsyncSession, clinic_id: UUID, specialties: Sequence[str], only: UUID | None
) -> dict[UUID, str]:
    """Active providers of the clinic with one of the specialties (any when none), by id."""
    query = (
        select(StaffRole.staff_id, StaffMember.full_name)
        .join(StaffMember, StaffMember.id == StaffRole.staff_id)
        .where(StaffRole.clinic_id == clinic_id, StaffRole.role == "provider", StaffMember.active)
    )
    if specialties:
        query = query.where(StaffRole.specialty.in_(list(specialties)))
    if only is not None:
        query = query.where(StaffRole.staff_id == only)
    return {row.staff_id: row.full_name for row in await session.execute(query)}


async def shifts_of(
    session: AsyncSession, clinic_id: UUID, staff_ids: Sequence[UUID], window: Interval
) -> dict[UUID, list[tuple[Interval, list[Interval]]]]:
    """Each provider's provider shifts at the clinic overlapping `window`, with their breaks."""
    query = select(ShiftWindow).where(
        ShiftWindow.clinic_id == clinic_id,
        ShiftWindow.staff_id.in_(list(staff_ids)),
        ShiftWindow.role == "provider",
        ShiftWindow.during.op("&&")(func.tstzrange(*window)),
    )
    found: dict[UUID, list[tuple[Interval, list[Interval]]]] = defaultdict(list)
    for shift in await session.scalars(query):
        breaks = [
            (datetime.fromisoformat(b["starts_at"]), datetime.fromisoformat(b["ends_at"]))
            for b in shift.breaks
        ]
        found[shift.staff_id].append(((shift.starts_at, shift.ends_at), breaks))
    return found


async def leave_of(
    session: AsyncSession, staff_ids: Sequence[UUID], window: Interval
) -> dict[UUID, list[Interval]]:
    """Each provider's approved leave overlapping `window`."""
    query = select(LeaveWindow).where(
        LeaveWindow.staff_id.in_(list(staff_ids)),
        LeaveWindow.during.op("&&")(func.tstzrange(*window)),
    )
    found: dict[UUID, list[Interval]] = defaultdict(list)
    for leave in await session.scalars(query):
        found[leave.staff_id].append((leave.starts_at, leave.ends_at))
    return found
