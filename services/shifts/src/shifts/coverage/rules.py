"""Coverage arithmetic: staffed time per local day and role, from shifts, breaks and leave.

Pure functions over half-open (start, end) intervals of aware instants; nothing here reads
the database. Breaks and leave are merged before being taken away, so time that is both a
break and leave is subtracted once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from servicekit.intervals import Interval, clip, length, subtract
from servicekit.localtime import day_bounds

_CENT = Decimal("0.01")
_SECONDS_PER_HOUR = Decimal(3600)


@dataclass(frozen=True)
class WorkedShift:
    """A scheduled shift with the time its staff member is not actually there."""

    role: str
    span: Interval
    breaks: Sequence[Interval] = ()
    leave: Sequence[Interval] = field(default=())


def staffed_in(shift: WorkedShift, window: Interval) -> timedelta:
    """Time of the shift inside `window` that is neither a break nor leave."""
    inside = clip(shift.span, window)
    if inside is None:
        return timedelta()
    return length(subtract(inside, [*shift.breaks, *shift.leave]))


def day_windows(first: date, last: date, tz: ZoneInfo) -> dict[date, Interval]:
    """Each local day from `first` to `last` as the instants it starts and ends."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return {day: day_bounds(day, tz) for day in days}


def staffed_by_day(
    shifts: Iterable[WorkedShift], windows: dict[date, Interval]
) -> dict[tuple[date, str], timedelta]:
    """Staffed time per (local day, role); a shift over midnight counts on both days."""
    ordered = sorted((window, day) for day, window in windows.items())
    starts = [window[0] for window, _ in ordered]
    totals: dict[tuple[date, str], timedelta] = {}
    for shift in shifts:
        # Only the few days from the one holding its start to the one holding its end.
        at = max(bisect_right(starts, shift.span[0]) - 1, 0)
        while at < len(ordered) and ordered[at][0][0] < shift.span[1]:
            window, day = ordered[at]
            worked = staffed_in(shift, window)
            if worked:
                totals[day, shift.role] = totals.get((day, shift.role), timedelta()) + worked
            at += 1
    return totals


def hours(time: timedelta) -> Decimal:
    """A duration in hours, to the hundredth."""
    seconds = Decimal(time // timedelta(microseconds=1)) / 1_000_000
    return (seconds / _SECONDS_PER_HOUR).quantize(_CENT, rounding=ROUND_HALF_UP)


def gap(minimum: Decimal, staffed: Decimal) -> Decimal:
    """Hours still needed to reach the minimum; never negative."""
    return max(Decimal(0), minimum - staffed)
