"""Weekly working hours and the concrete shifts they stand for: pure rules, no I/O."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from servicekit.localtime import instant

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


@dataclass(frozen=True)
class Break:
    """A break in local wall-clock time; it may start after midnight in an overnight range."""

    starts: time
    ends: time


@dataclass(frozen=True)
class WeeklyRange:
    """Working hours on one weekday (0 = Monday), local time; `ends` <= `starts` runs overnight."""

    weekday: int
    starts: time
    ends: time
    breaks: tuple[Break, ...] = ()

    @property
    def overnight(self) -> bool:
        """Whether the range ends on the next day."""
        return self.ends <= self.starts

    def span(self) -> tuple[int, int]:
        """Start and end in minutes from Monday 00:00 (the end may pass the week's end)."""
        start = self.weekday * MINUTES_PER_DAY + _minutes(self.starts)
        return start, start + self._offset(self.ends)

    def _offset(self, clock: time) -> int:
        """Minutes from the range's start to the next time the wall clock shows `clock`."""
        return (_minutes(clock) - _minutes(self.starts)) % MINUTES_PER_DAY or (
            MINUTES_PER_DAY if clock == self.starts else 0
        )


@dataclass(frozen=True)
class PlannedShift:
    """A shift a template stands for on one local day, with its instants in UTC."""

    local_date: date
    local_start: time
    starts_at: datetime
    ends_at: datetime
    breaks: tuple[tuple[datetime, datetime], ...] = field(default=())
    slot: int = 0  # position of its range among the weekday's ranges, by start


class InvalidWeek(ValueError):  # noqa: N818 - a ValueError, named for what is wrong
    """Weekly hours that cannot be worked: a break outside its range, or overlapping ranges."""


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def check_week(ranges: Sequence[WeeklyRange]) -> None:
    """Raise InvalidWeek unless every break lies inside its range and nothing overlaps."""
    for item in ranges:
        _check_breaks(item)
    spans = sorted(item.span() for item in ranges)
    for (_, earlier_end), (later_start, _) in itertools.pairwise(spans):
        if later_start < earlier_end:
            raise InvalidWeek(f"working hours overlap at {_weekday_clock(later_start)}")
    if spans and spans[-1][1] > MINUTES_PER_WEEK + spans[0][0]:
        raise InvalidWeek("Sunday's overnight hours overlap Monday's")


def _check_breaks(item: WeeklyRange) -> None:
    length = item._offset(item.ends)
    spans = sorted((item._offset(b.starts), item._offset(b.ends)) for b in item.breaks)
    for start, end in spans:
        if not 0 < start < end < length:
            raise InvalidWeek(
                f"a break on {_DAY_NAMES[item.weekday]} must lie strictly inside "
                f"{item.starts:%H:%M}-{item.ends:%H:%M}"
            )
    for (_, earlier_end), (later_start, _) in itertools.pairwise(spans):
        if later_start < earlier_end:
            raise InvalidWeek(f"breaks overlap on {_DAY_NAMES[item.weekday]}")


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekday_clock(minutes: int) -> str:
    day, minute = divmod(minutes % MINUTES_PER_WEEK, MINUTES_PER_DAY)
    return f"{_DAY_NAMES[day]} {minute // 60:02d}:{minute % 60:02d}"


def expand(
    ranges: Sequence[WeeklyRange],
    tz: ZoneInfo,
    first: date,
    last: date,
    *,
    closed: Collection[date] = (),
) -> Iterator[PlannedShift]:
    """The shifts of days `first`..`last` (inclusive), skipping `closed` days, in order.

    A range on a day the clocks change keeps its wall-clock hours, so it lasts an hour more
    or less in real time; a range that falls wholly in the skipped hour yields nothing.
    """
    by_weekday: dict[int, list[WeeklyRange]] = {}
    for item in sorted(ranges, key=lambda r: r.starts):
        by_weekday.setdefault(item.weekday, []).append(item)
    day = first
    while day <= last:
        if day not in closed:
            for slot, item in enumerate(by_weekday.get(day.weekday(), ())):
                planned = _plan(item, day, tz, slot)
                if planned is not None:
                    yield planned
        day += timedelta(days=1)


def _plan(item: WeeklyRange, day: date, tz: ZoneInfo, slot: int) -> PlannedShift | None:
    starts_at = instant(day, item.starts, tz)
    ends_at = _at(item, day, item.ends, tz)
    if ends_at <= starts_at:
        return None
    breaks = []
    for pause in sorted(item.breaks, key=lambda b: item._offset(b.starts)):
        begins, finishes = _at(item, day, pause.starts, tz), _at(item, day, pause.ends, tz)
        if begins < finishes:
            breaks.append((begins, finishes))
    return PlannedShift(day, item.starts, starts_at, ends_at, tuple(breaks), slot)


def _at(item: WeeklyRange, day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The instant of `clock` within the range that starts on `day`."""
    next_day = _minutes(item.starts) + item._offset(clock) >= MINUTES_PER_DAY
    return instant(day + timedelta(days=next_day), clock, tz)
