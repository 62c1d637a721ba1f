"""Wall-clock times of a clinic turned into instants, correct on the days clocks change.

A wall-clock time that does not exist (skipped when clocks spring forward) becomes the
instant the clocks jumped, so a range over the gap holds only the real time that passed in
it. A time that happens twice (clocks fall back) is its first occurrence. Both keep the
mapping monotonic: ranges that do not overlap on the wall clock never overlap in real time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

_ONE_SECOND = timedelta(seconds=1)


@cache
def zone(name: str) -> ZoneInfo:
    """The zone of an IANA name (cached: clinics share a handful of zones)."""
    return ZoneInfo(name)


def instant(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The UTC instant a clinic's wall clock shows `clock` on `day` (first, if it does twice)."""
    wall = datetime.combine(day, clock)
    first = wall.replace(tzinfo=tz).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    return _jump(wall, tz)


def _jump(wall: datetime, tz: ZoneInfo) -> datetime:
    # `wall` lies in a gap: fold=1 reads it with the offset after the jump, which lands
    # before the jump, fold=0 after it; the jump is the last second with the old offset, + 1.
    # Jumps fall on whole seconds, so the search keeps to whole seconds and ends on the jump.
    before = wall.replace(tzinfo=tz, fold=1).astimezone(UTC).replace(microsecond=0)
    after = wall.replace(tzinfo=tz, fold=0).astimezone(UTC).replace(microsecond=0)
    offset = before.astimezone(tz).utcoffset()
    while after - before > _ONE_SECOND:
        middle = before + (after - before) // 2 // _ONE_SECOND * _ONE_SECOND
        if middle.astimezone(tz).utcoffset() == offset:
            before = middle
        else:
            after = middle
    return after


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants a clinic's local day starts and ends (23 or 25 hours apart on DST days)."""
    return instant(day, time(0), tz), instant(day + timedelta(days=1), time(0), tz)


def days_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """From the start of `first` to the end of `last`, local days of the clinic."""
    return instant(first, time(0), tz), instant(last + timedelta(days=1), time(0), tz)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The clinic's local date at an instant."""
    return moment.astimezone(tz).date()
