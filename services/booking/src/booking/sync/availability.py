"""Free starts of every active type with every eligible provider over the pull's window.

The same rules as slot search (booking.slots.rules), as staff see them, with the calendar
read once for the whole clinic: a snapshot of 50 providers works out tens of thousands of
starts, and types of one shape (duration, buffers, step) share their providers' starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from servicekit.intervals import Interval
from servicekit.localtime import zone
from sqlalchemy.ext.asyncio import AsyncSession

from booking.slots import repository as calendar
from booking.slots.rules import (
    Reserved,
    Visit,
    clear_of,
    free_starts,
    held,
    offered_time,
    open_time,
)

Starts = list[dict[str, Any]]


def _visit(kind: Any) -> Visit:
    return Visit(
        duration=timedelta(minutes=kind["duration_minutes"]),
        buffer_before=timedelta(minutes=kind["buffer_before_minutes"]),
        buffer_after=timedelta(minutes=kind["buffer_after_minutes"]),
        step=timedelta(minutes=kind["step_minutes"]),
    )


def utc_text(moment: datetime) -> str:
    """`2026-12-07T08:00:00Z`: starts sit on a minute grid, so seconds are always zero."""
    return moment.astimezone(UTC).isoformat()[:19] + "Z"


async def availability(
    session: AsyncSession,
    *,
    clinic_id: UUID,
    time_zone: str,
    kinds: Sequence[Any],
    specialties: dict[UUID, str | None],
    window: Interval,
    now: datetime,
) -> tuple[Starts, Starts]:
    """(availability, reserved): free starts per active type and provider in `window`, and
    those of them whose blocked range (buffers included) lies inside a provider's held
    allotted time: slot search's rule for `reserved=only`."""
    active = [kind for kind in kinds if kind["active"]]
    if not active or not specialties or window[0] >= window[1]:
        return [], []
    visits = {kind["id"]: _visit(kind) for kind in active}
    reach = (
        window[0] - max(v.buffer_before for v in visits.values()),
        window[1] + max(v.duration + v.buffer_after for v in visits.values()),
    )
    staff = list(specialties)
    shifts = await calendar.shifts_of(session, clinic_id, staff, reach)
    leave = await calendar.leave_of(session, list(shifts), reach)
    busy = await calendar.busy_of(session, list(shifts), reach)
    need_rooms = any(kind["requires_room"] for kind in active)
    rooms = await calendar.rooms_busy(session, clinic_id, reach) if need_rooms else {}
    opened = {
        p: open_time([s for s, _ in w], [b for _, bs in w for b in bs], leave[p])
        for p, w in shifts.items()
    }
    allotted = await calendar.allotted_of(session, clinic_id, list(shifts), reach)
    kept = {p: held(allotted.get(p, []), now) for p in opened}
    tz, last = zone(time_zone), window[1] - timedelta(microseconds=1)
    shared: dict[tuple[Visit, UUID, Reserved], list[datetime]] = {}

    def starts_of(visit: Visit, provider: UUID, mode: Reserved) -> list[datetime]:
        key = (visit, provider, mode)
        if key not in shared:
            parts = offered_time(opened[provider], kept[provider], mode)
            starts = free_starts(parts, busy[provider], visit, (window[0], last), tz)
            shared[key] = list(starts) if parts else []
        return shared[key]

    free: Starts = []
    reserved: Starts = []
    for kind in active:
        visit = visits[kind["id"]]
        for provider in sorted(opened):
            if kind["specialties"] and specialties.get(provider) not in kind["specialties"]:
                continue
            item = {"type_id": str(kind["id"]), "provider_id": str(provider)}
            for mode, found in ((Reserved.INCLUDE, free), (Reserved.ONLY, reserved)):
                if mode is Reserved.ONLY and not kept[provider]:
                    continue
                starts = starts_of(visit, provider, mode)
                if kind["requires_room"]:
                    starts = [
                        at
                        for at in starts
                        if any(clear_of(b, visit.blocked(at)) for b in rooms.values())
                    ]
                if starts:
                    found.append(item | {"starts": [utc_text(at) for at in starts]})
    return free, reserved
