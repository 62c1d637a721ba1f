"""Quiet hours: no reminder or clinic notice wakes a patient at night, in the clinic's zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from servicekit.localtime import instant

_MINUTE = timedelta(minutes=1)


def in_quiet_hours(clock: time, start: time, end: time) -> bool:
    """Whether a wall-clock time falls in [start, end); the period may wrap past midnight."""
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end


def clear_of_quiet_hours(
    at: datetime, tz: ZoneInfo, start: time | None, end: time | None, *, before: datetime
) -> datetime:
    """`at`, or the end of the quiet period it falls in; the minute before that period began
    instead when its end would be too late (not before `before`, the visit's start)."""
    if start is None or end is None or start == end:
        return at
    local = at.astimezone(tz)
    if not in_quiet_hours(local.time(), start, end):
        return at
    day = local.date()
    if start > end and local.time() >= start:  # the evening side of a night
        began, ends = instant(day, start, tz), instant(day + timedelta(days=1), end, tz)
    elif start > end:  # the morning side
        began, ends = instant(day - timedelta(days=1), start, tz), instant(day, end, tz)
    else:
        began, ends = instant(day, start, tz), instant(day, end, tz)
    return ends if ends < before else began - _MINUTE
