"""Free starts of every active type with every eligible provider over the pull's window.

The same rules as slot search (booking.slots.rules), as staff see them, with the calendar
read once for the whole clinic: a snapshot of 50 providers works out tens of thousands of
starts, and types of one shape (duration, buffers, step) share their providers' starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

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
)
from booking.slots.service import opened

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
    clinic_time = await _read_clinic_time(
        session,
        clinic_id,
        reach,
        need_rooms=any(kind["requires_room"] for kind in active),
        now=now,
        starts=(window[0], window[1] - timedelta(microseconds=1)),
        tz=zone(time_zone),
    )
    free: Starts = []
    reserved: Starts = []
    for kind in active:
        _add_starts(clinic_time, kind, visits[kind["id"]], specialties, (free, reserved))
    return free, reserved


@dataclass
class _ClinicTime:
    """The providers' open time, held allotted time and blocked time, and the rooms' blocked
    time; each provider's starts worked out once per shape of visit and reserved mode."""

    opened: dict[UUID, list[Interval]]
    kept: dict[UUID, list[Interval]]
    busy: dict[UUID, list[Interval]]
    rooms: dict[UUID, list[Interval]]
    window: Interval
    """The first and last allowed start."""
    tz: ZoneInfo
    shared: dict[tuple[Visit, UUID, Reserved], list[datetime]] = field(default_factory=dict)

    def starts(self, visit: Visit, provider: UUID, mode: Reserved) -> list[datetime]:
        """The provider's free starts for the visit, as `mode` treats held time."""
        key = (visit, provider, mode)
        if key not in self.shared:
            parts = offered_time(self.opened[provider], self.kept[provider], mode)
            starts = free_starts(parts, self.busy[provider], visit, self.window, self.tz)
            self.shared[key] = list(starts) if parts else []
        return self.shared[key]

    def with_a_room(self, visit: Visit, starts: list[datetime]) -> list[datetime]:
        """Those of the starts at which some room is free for the whole visit."""
        rooms = self.rooms.values()
        return [at for at in starts if any(clear_of(b, visit.blocked(at)) for b in rooms)]


async def _read_clinic_time(
    session: AsyncSession,
    clinic_id: UUID,
    reach: Interval,
    *,
    need_rooms: bool,
    now: datetime,
    starts: Interval,
    tz: ZoneInfo,
) -> _ClinicTime:
    """The time of every active provider of the clinic (any specialty)."""
    time = await calendar.roster(session, clinic_id, [], None, reach)
    working = {p: their for p, their in time.items() if their.shifts}
    rooms = await calendar.rooms_busy(session, clinic_id, reach) if need_rooms else {}
    return _ClinicTime(
        {p: opened(their) for p, their in working.items()},
        {p: held(their.allotted, now) for p, their in working.items()},
        {p: their.busy for p, their in working.items()},
        rooms,
        starts,
        tz,
    )


def _add_starts(
    clinic_time: _ClinicTime,
    kind: Any,
    visit: Visit,
    specialties: dict[UUID, str | None],
    lists: tuple[Starts, Starts],
) -> None:
    """Append the type's free starts with each provider who serves it to `lists` (free,
    reserved)."""
    free, reserved = lists
    for provider in sorted(clinic_time.opened):
        if kind["specialties"] and specialties.get(provider) not in kind["specialties"]:
            continue
        item = {"type_id": str(kind["id"]), "provider_id": str(provider)}
        for mode, found in ((Reserved.INCLUDE, free), (Reserved.ONLY, reserved)):
            if mode is Reserved.ONLY and not clinic_time.kept[provider]:
                continue
            starts = clinic_time.starts(visit, provider, mode)
            if kind["requires_room"]:
                starts = clinic_time.with_a_room(visit, starts)
            if starts:
                found.append(item | {"starts": [utc_text(at) for at in starts]})
