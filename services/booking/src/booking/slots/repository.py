"""What slot search reads: eligible providers, their shifts and leave, appointments, rooms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from servicekit.intervals import Interval
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments.models import ACTIVE, Appointment
from booking.projection.models import LeaveWindow, ShiftWindow, StaffMember, StaffRole
from booking.rooms.models import Room


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


def _occupying(window: Interval) -> ColumnElement[bool]:
    """Appointments and live holds that overlap `window` (expired holds free their time)."""
    return and_(
        Appointment.status.in_(ACTIVE),
        or_(Appointment.hold_expires_at.is_(None), Appointment.hold_expires_at > func.now()),
        Appointment.blocked.op("&&")(func.tstzrange(*window)),
    )


async def busy_of(
    session: AsyncSession, staff_ids: Sequence[UUID], window: Interval
) -> dict[UUID, list[Interval]]:
    """Each provider's blocked time (appointments and live holds, buffers included)."""
    query = select(
        Appointment.provider_id, Appointment.blocked_from, Appointment.blocked_until
    ).where(Appointment.provider_id.in_(list(staff_ids)), _occupying(window))
    found: dict[UUID, list[Interval]] = defaultdict(list)
    for provider, start, end in await session.execute(query):
        found[provider].append((start, end))
    return found


async def rooms_busy(
    session: AsyncSession, clinic_id: UUID, window: Interval, only: UUID | None = None
) -> dict[UUID, list[Interval]]:
    """Each active room of the clinic (or just `only`) with its blocked time in `window`."""
    rooms = select(Room.id).where(Room.clinic_id == clinic_id, Room.active)
    if only is not None:
        rooms = rooms.where(Room.id == only)
    found: dict[UUID, list[Interval]] = {room: [] for room in await session.scalars(rooms)}
    if found:
        query = select(
            Appointment.room_id, Appointment.blocked_from, Appointment.blocked_until
        ).where(Appointment.room_id.in_(list(found)), _occupying(window))
        for room, start, end in await session.execute(query):
            if room is not None:
                found[room].append((start, end))
    return found
