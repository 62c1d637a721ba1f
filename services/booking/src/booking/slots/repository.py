"""What slot search reads: eligible providers, their shifts and leave, appointments, rooms.

Plain SQL through the driver (booking.driver_sql): these run on every search and booking.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from servicekit.intervals import Interval
from sqlalchemy.ext.asyncio import AsyncSession

from booking.driver_sql import fetch

_PROVIDERS = """
SELECT r.staff_id, s.full_name
FROM booking.staff_roles AS r JOIN booking.staff AS s ON s.id = r.staff_id
WHERE r.clinic_id = $1 AND r.role = 'provider' AND s.active
    AND (cardinality($2::text[]) = 0 OR r.specialty = ANY($2::text[]))
    AND ($3::uuid IS NULL OR r.staff_id = $3::uuid)
"""
_SHIFTS = """
SELECT staff_id, starts_at, ends_at, breaks FROM booking.shift_windows
WHERE clinic_id = $1 AND staff_id = ANY($2::uuid[]) AND role = 'provider'
    AND during && tstzrange($3, $4)
"""
_LEAVE = """
SELECT staff_id, starts_at, ends_at FROM booking.leave_windows
WHERE staff_id = ANY($1::uuid[]) AND during && tstzrange($2, $3)
"""
# Appointments and live holds (expired holds free their time; statuses as models.ACTIVE).
_PROVIDERS_BUSY = """
SELECT provider_id, blocked_from, blocked_until FROM booking.appointments
WHERE provider_id = ANY($1::uuid[]) AND status IN ('pending', 'booked', 'arrived', 'checked-in')
    AND (hold_expires_at IS NULL OR hold_expires_at > now()) AND blocked && tstzrange($2, $3)
"""
_ALLOTTED = """
SELECT provider_id, starts_at, ends_at, releases_at FROM booking.allotments
WHERE clinic_id = $1 AND provider_id = ANY($2::uuid[]) AND during && tstzrange($3, $4)
"""
_ROOMS = """
SELECT id FROM booking.rooms
WHERE clinic_id = $1 AND active AND ($2::uuid IS NULL OR id = $2::uuid)
"""
_ROOMS_BUSY = """
SELECT room_id, blocked_from, blocked_until FROM booking.appointments
WHERE room_id = ANY($1::uuid[]) AND status IN ('pending', 'booked', 'arrived', 'checked-in')
    AND (hold_expires_at IS NULL OR hold_expires_at > now()) AND blocked && tstzrange($2, $3)
"""


async def providers(
    session: AsyncSession, clinic_id: UUID, specialties: Sequence[str], only: UUID | None
) -> dict[UUID, str]:
    """Active providers of the clinic with one of the specialties (any when none), by id."""
    rows = await fetch(session, _PROVIDERS, clinic_id, list(specialties), only)
    return {staff_id: full_name for staff_id, full_name in rows}


async def shifts_of(
    session: AsyncSession, clinic_id: UUID, staff_ids: Sequence[UUID], window: Interval
) -> dict[UUID, list[tuple[Interval, list[Interval]]]]:
    """Each provider's provider shifts at the clinic overlapping `window`, with their breaks."""
    found: dict[UUID, list[tuple[Interval, list[Interval]]]] = defaultdict(list)
    for staff_id, starts_at, ends_at, breaks in await fetch(
        session, _SHIFTS, clinic_id, list(staff_ids), *window
    ):
        parts = [
            (datetime.fromisoformat(b["starts_at"]), datetime.fromisoformat(b["ends_at"]))
            for b in breaks
        ]
        found[staff_id].append(((starts_at, ends_at), parts))
    return found


async def leave_of(
    session: AsyncSession, staff_ids: Sequence[UUID], window: Interval
) -> dict[UUID, list[Interval]]:
    """Each provider's approved leave overlapping `window`."""
    found: dict[UUID, list[Interval]] = defaultdict(list)
    for staff_id, starts_at, ends_at in await fetch(session, _LEAVE, list(staff_ids), *window):
        found[staff_id].append((starts_at, ends_at))
    return found


async def busy_of(
    session: AsyncSession, staff_ids: Sequence[UUID], window: Interval
) -> dict[UUID, list[Interval]]:
    """Each provider's blocked time (appointments and live holds, buffers included)."""
    found: dict[UUID, list[Interval]] = defaultdict(list)
    for provider, start, end in await fetch(session, _PROVIDERS_BUSY, list(staff_ids), *window):
        found[provider].append((start, end))
    return found


async def allotted_of(
    session: AsyncSession, clinic_id: UUID, staff_ids: Sequence[UUID], window: Interval
) -> dict[UUID, list[tuple[datetime, datetime, datetime]]]:
    """Each provider's reserved front desk time overlapping `window`, with its release."""
    found: dict[UUID, list[tuple[datetime, datetime, datetime]]] = defaultdict(list)
    for provider, start, end, releases_at in await fetch(
        session, _ALLOTTED, clinic_id, list(staff_ids), *window
    ):
        found[provider].append((start, end, releases_at))
    return found


async def rooms_busy(
    session: AsyncSession, clinic_id: UUID, window: Interval, only: UUID | None = None
) -> dict[UUID, list[Interval]]:
    """Each active room of the clinic (or just `only`) with its blocked time in `window`."""
    found: dict[UUID, list[Interval]] = {
        room: [] for (room,) in await fetch(session, _ROOMS, clinic_id, only)
    }
    if found:
        for room, start, end in await fetch(session, _ROOMS_BUSY, list(found), *window):
            found[room].append((start, end))
    return found
