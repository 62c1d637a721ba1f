"""Coverage arithmetic: staffed time per local day and role, from shifts, breaks and leave.

Pure functions over half-open (start, end) intervals of aware instants; nothing here reads
the database. Breaks and leave are merged before being taken away, so time that is both a
break and leave is subtracted once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from shifts.localtime import day_bounds

Interval = tuple[datetime, datetime]

_CENT = Decimal("0.01")
_SECONDS_PER_HOUR = Decimal(3600)


@dataclass(frozen=True)
class WorkedShift:
    """A scheduled shift with the time its staff member is not actually there."""

    role: str
    span: Interval
    breaks: Sequence[Interval] = ()
    leave: Sequence[Interval] = field(default=())


def clip(interval: Interval, window: Interval) -> Interval | None:
    """The part of `interval` inside `window`, or None when they do not overlap."""
    start, end = max(interval[0], window[0]), min(interval[1], window[1])
    return (start, end) if start < end else None


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined, empty ones dropped, by start."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract(interval: Interval, holes: Iterable[Interval]) -> list[Interval]:
    """What is left of `interval` once every hole is taken out, by start."""
    left: list[Interval] = []
    cursor, end = interval
    for hole_start, hole_end in merge(holes):
        if hole_end <= cursor:
            continue
        if hole_start >= end:
            break
        if hole_start > cursor:
            left.append((cursor, hole_start))
        cursor = max(cursor, hole_end)
    if cursor < end:
        left.append((cursor, end))
    return left


def length(intervals: Iterable[Interval]) -> timedelta:
    """The total length of intervals that do not overlap."""
    return sum((end - start for start, end in intervals), timedelta())


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
