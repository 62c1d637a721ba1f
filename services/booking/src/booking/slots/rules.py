"""Free start times of one provider: pure rules over instants, no I/O.

A provider is open inside scheduled shifts, outside their breaks and leave. An appointment
at `start` blocks `[start - buffer_before, start + duration + buffer_after)`; the whole
blocked range must lie in open time and clear of every other blocked range (the same range
the database's exclusion constraint guards). Starts sit on the clinic's local clock grid
(every `step` from local midnight), so a 15-minute grid offers 09:00, 09:15, ... in any
zone, on DST days too.

Reserved front desk time (an offline allotment) is held until its release: a search offers
starts clear of it (patients and the public), only starts wholly inside it (the front desk
booking into it first), or both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from servicekit.intervals import Interval, clip, gaps, merge

_ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Visit:
    """How long an appointment takes and the time it keeps the provider around it."""

    duration: timedelta
    buffer_before: timedelta = timedelta()
    buffer_after: timedelta = timedelta()
    step: timedelta = timedelta(minutes=15)

    def blocked(self, start: datetime) -> Interval:
        """The provider's time an appointment starting at `start` takes."""
        return start - self.buffer_before, start + self.duration + self.buffer_after


def open_time(
    shifts: Iterable[Interval], breaks: Iterable[Interval], leave: Iterable[Interval]
) -> list[Interval]:
    """Shift time less breaks and leave, merged, by start."""
    return list(gaps(merge(shifts), [*breaks, *leave]))


class Reserved(StrEnum):
    """Which starts a search offers against reserved time not yet released."""

    EXCLUDE = "exclude"
    INCLUDE = "include"
    ONLY = "only"


def held(
    allotments: Iterable[tuple[datetime, datetime, datetime]], now: datetime
) -> list[Interval]:
    """The (start, end) of allotments, given with their release, still held at `now`, merged."""
    return merge((start, end) for start, end, releases_at in allotments if now < releases_at)


def offered_time(
    open_parts: Iterable[Interval], reserved: Iterable[Interval], mode: Reserved
) -> list[Interval]:
    """The open time a search may place whole visits in: less reserved time, only it, or all."""
    parts = list(open_parts)
    if mode is Reserved.INCLUDE:
        return parts
    reserved = merge(reserved)
    if mode is Reserved.EXCLUDE:
        return list(gaps(parts, reserved))
    return [both for part in parts for r in reserved if (both := clip(r, part)) is not None]


def free_starts(
    open_parts: Iterable[Interval],
    busy: Iterable[Interval],
    visit: Visit,
    window: Interval,
    tz: ZoneInfo,
) -> Iterator[datetime]:
    """Starts in `window` (earliest and latest allowed start) whose blocked range is free;
    `open_parts` by start and not overlapping, as `open_time` and `offered_time` give them."""
    for free_start, free_end in gaps(open_parts, busy):
        yield from _starts_in(free_start, free_end, visit, window, tz)


def on_grid(moment: datetime, visit: Visit, tz: ZoneInfo) -> bool:
    """Whether the local clock at `moment` is a multiple of the visit's step (as offered)."""
    return _late(moment, visit.step, tz) == timedelta()


def covered(open_parts: Iterable[Interval], needed: Interval) -> bool:
    """Whether one open part holds all of `needed`."""
    return any(start <= needed[0] and needed[1] <= end for start, end in open_parts)


def clear_of(busy: Iterable[Interval], needed: Interval) -> bool:
    """Whether `needed` overlaps none of `busy`."""
    return all(end <= needed[0] or needed[1] <= start for start, end in busy)


def _starts_in(
    free_start: datetime, free_end: datetime, visit: Visit, window: Interval, tz: ZoneInfo
) -> Iterator[datetime]:
    # Each start is on the grid, so the next is one step on unless the offset changes on the
    # way (then _next_on_grid's search): one zone look-up per start instead of three.
    last = min(window[1], free_end - visit.duration - visit.buffer_after)
    start = _on_grid(max(free_start + visit.buffer_before, window[0]), visit.step, tz)
    offset = _offset(start, tz)
    while start <= last:
        yield start
        ahead = start + visit.step
        ahead_offset = _offset(ahead, tz)
        if ahead_offset != offset:
            ahead = _next_on_grid(start, visit.step, tz)
            ahead_offset = _offset(ahead, tz)
        start, offset = ahead, ahead_offset


def _on_grid(moment: datetime, step: timedelta, tz: ZoneInfo) -> datetime:
    """The first instant at or after `moment` whose local clock is a multiple of `step`."""
    return _next_on_grid(moment, step, tz) if _late(moment, step, tz) else moment


def _next_on_grid(moment: datetime, step: timedelta, tz: ZoneInfo) -> datetime:
    """The first instant after `moment` whose local clock is a multiple of `step`.

    The clock reaches the next multiple `step - late` later, unless it changes first: a change
    by other than a multiple of `step` (Lord Howe's half hour) lands off the grid or skips a
    multiple, so the search starts again from the change.
    """
    ahead = moment + (step - _late(moment, step, tz))
    if _offset(ahead, tz) == _offset(moment, tz):
        return ahead
    return _on_grid(_change(moment, ahead, tz), step, tz)


def _late(moment: datetime, step: timedelta, tz: ZoneInfo) -> timedelta:
    """How far the local clock at `moment` is past the last multiple of `step`."""
    local = moment.astimezone(tz)
    since_midnight = timedelta(
        hours=local.hour, minutes=local.minute, seconds=local.second, microseconds=local.microsecond
    )
    return since_midnight % step


def _offset(moment: datetime, tz: ZoneInfo) -> timedelta | None:
    return moment.astimezone(tz).utcoffset()


def _change(before: datetime, after: datetime, tz: ZoneInfo) -> datetime:
    """The first instant after `before`, at or before `after`, with `after`'s offset."""
    # Changes fall on whole seconds, so the search keeps to whole seconds and ends on one.
    offset = _offset(before, tz)
    before = before.replace(microsecond=0)
    while after - before > _ONE_SECOND:
        middle = before + (after - before) // 2 // _ONE_SECOND * _ONE_SECOND
        if _offset(middle, tz) == offset:
            before = middle
        else:
            after = middle
    return after
