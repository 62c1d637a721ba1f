"""What slot search reads: eligible providers, their shifts and leave, appointments, rooms.

Plain SQL through the driver (booking.driver_sql): these run on every search and booking.
`roster` reads a clinic's providers with all their time in a window in one statement: each
round trip costs the service and the database more CPU than the reading it carries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from servicekit.intervals import Interval
from sqlalchemy.ext.asyncio import AsyncSession

from booking.driver_sql import fetch

# One row per eligible provider; a LATERAL part per kind of time, each its own index scan,
# aggregated into parallel arrays (NULL when none). $6 and $7 leave the busy and reserved
# time out for callers that do not need them. Appointment statuses as models.ACTIVE.
_ROSTER = """
SELECT s.id, s.full_name, sh.starts, sh.ends, sh.breaks, lv.starts, lv.ends,
    bz.froms, bz.untils, al.starts, al.ends, al.releases
FROM (
    SELECT DISTINCT r.staff_id FROM booking.staff_roles AS r
    WHERE r.clinic_id = $1 AND r.role = 'provider' AND ($3::uuid IS NULL OR r.staff_id = $3::uuid)
        AND (cardinality($2::text[]) = 0 OR r.specialty = ANY($2::text[]))
) AS e
JOIN booking.staff AS s ON s.id = e.staff_id AND s.active
CROSS JOIN LATERAL (
    SELECT array_agg(w.starts_at) AS starts, array_agg(w.ends_at) AS ends,
        array_agg(w.breaks) AS breaks
    FROM booking.shift_windows AS w
    WHERE w.clinic_id = $1 AND w.staff_id = s.id AND w.role = 'provider'
        AND w.during && tstzrange($4, $5)
) AS sh
CROSS JOIN LATERAL (
    SELECT array_agg(l.starts_at) AS starts, array_agg(l.ends_at) AS ends
    FROM booking.leave_windows AS l
    WHERE sh.starts IS NOT NULL AND l.staff_id = s.id AND l.during && tstzrange($4, $5)
) AS lv
CROSS JOIN LATERAL (
    SELECT array_agg(a.blocked_from) AS froms, array_agg(a.blocked_until) AS untils
    FROM booking.appointments AS a
    WHERE $6 AND sh.starts IS NOT NULL AND a.provider_id = s.id
        AND a.status IN ('pending', 'booked', 'arrived', 'checked-in')
        AND (a.hold_expires_at IS NULL OR a.hold_expires_at > now())
        AND a.blocked && tstzrange($4, $5)
) AS bz
CROSS JOIN LATERAL (
    SELECT array_agg(t.starts_at) AS starts, array_agg(t.ends_at) AS ends,
        array_agg(t.releases_at) AS releases
    FROM booking.allotments AS t
    WHERE $7 AND sh.starts IS NOT NULL AND t.clinic_id = $1 AND t.provider_id = s.id
        AND t.during && tstzrange($4, $5)
) AS al
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
_ROOMS = """
SELECT id FROM booking.rooms
WHERE clinic_id = $1 AND active AND ($2::uuid IS NULL OR id = $2::uuid)
"""
# Appointments and live holds (expired holds free their time; statuses as models.ACTIVE).
_ROOMS_BUSY = """
SELECT room_id, blocked_from, blocked_until FROM booking.appointments
WHERE room_id = ANY($1::uuid[]) AND status IN ('pending', 'booked', 'arrived', 'checked-in')
    AND (hold_expires_at IS NULL OR hold_expires_at > now()) AND blocked && tstzrange($2, $3)
"""


@dataclass(frozen=True)
class Roster:
    """An eligible provider and their time overlapping a window."""

    name: str
    shifts: list[tuple[Interval, list[Interval]]]
    """Provider shifts at the clinic, each with its breaks."""
    leave: list[Interval]
    busy: list[Interval]
    """Appointments and live holds, buffers included (empty unless asked for)."""
    allotted: list[tuple[datetime, datetime, datetime]]
    """Reserved front desk time with its release (empty unless asked for)."""


async def roster(
    session: AsyncSession,
    clinic_id: UUID,
    specialties: Sequence[str],
    only: UUID | None,
    window: Interval,
    *,
    busy: bool = True,
    allotted: bool = True,
) -> dict[UUID, Roster]:
    """Active providers of the clinic with one of the specialties (any when none), or just
    `only`, by id, each with their time overlapping `window`; one round trip."""
    rows = await fetch(
        session, _ROSTER, clinic_id, list(specialties), only, *window, busy, allotted
    )
    return {
        staff_id: Roster(
            name,
            [
                ((start, end), _breaks(parts))
                for start, end, parts in _zipped(shift_starts, shift_ends, breaks)
            ],
            _zipped(leave_starts, leave_ends),
            _zipped(busy_from, busy_until),
            _zipped(kept_starts, kept_ends, releases),
        )
        for (
            staff_id,
            name,
            shift_starts,
            shift_ends,
            breaks,
            leave_starts,
            leave_ends,
            busy_from,
            busy_until,
            kept_starts,
            kept_ends,
            releases,
        ) in rows
    }


def _zipped(*arrays: list[Any] | None) -> list[Any]:
    """Parallel aggregated arrays as tuples; NULL (no rows) as none."""
    return list(zip(*(array or [] for array in arrays), strict=True))


def _breaks(breaks: list[dict[str, str]]) -> list[Interval]:
    return [
        (datetime.fromisoformat(b["starts_at"]), datetime.fromisoformat(b["ends_at"]))
        for b in breaks
    ]


async def shifts_of(
    session: AsyncSession, clinic_id: UUID, staff_ids: Sequence[UUID], window: Interval
) -> dict[UUID, list[tuple[Interval, list[Interval]]]]:
    """Each provider's provider shifts at the clinic overlapping `window`, with their breaks."""
    found: dict[UUID, list[tuple[Interval, list[Interval]]]] = defaultdict(list)
    for staff_id, starts_at, ends_at, breaks in await fetch(
        session, _SHIFTS, clinic_id, list(staff_ids), *window
    ):
        found[staff_id].append(((starts_at, ends_at), _breaks(breaks)))
    return found


async def leave_of(
    session: AsyncSession, staff_ids: Sequence[UUID], window: Interval
) -> dict[UUID, list[Interval]]:
    """Each provider's approved leave overlapping `window`."""
    found: dict[UUID, list[Interval]] = defaultdict(list)
    for staff_id, starts_at, ends_at in await fetch(session, _LEAVE, list(staff_ids), *window):
        found[staff_id].append((starts_at, ends_at))
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
