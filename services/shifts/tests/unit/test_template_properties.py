"""Properties of weekly templates: valid weeks expand to sound shifts in any zone, any date."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from servicekit.localtime import day_bounds, instant, zone
from shifts.templates.rules import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    Break,
    InvalidWeek,
    PlannedShift,
    WeeklyRange,
    check_week,
    expand,
)

ZONES = (
    "Europe/London",
    "America/Sao_Paulo",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Africa/Nairobi",
    "Asia/Kolkata",
)
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2030, 12, 31)
ONE_DAY = timedelta(days=1)
ONE_MICROSECOND = timedelta(microseconds=1)

thorough = settings(max_examples=200, deadline=None)


# --- building valid templates ----------------------------------------------------------------


def clock_of(minutes: int) -> time:
    """The wall clock `minutes` after some midnight."""
    minutes %= MINUTES_PER_DAY
    return time(minutes // 60, minutes % 60)


def make_range(start: int, length: int, breaks: list[tuple[int, int]]) -> WeeklyRange:
    """A range `start` minutes after Monday 00:00 lasting `length` minutes; breaks as offsets."""
    start %= MINUTES_PER_WEEK
    return WeeklyRange(
        weekday=start // MINUTES_PER_DAY,
        starts=clock_of(start),
        ends=clock_of(start + length),
        breaks=tuple(Break(clock_of(start + a), clock_of(start + b)) for a, b in breaks),
    )


@st.composite
def breaks_inside(draw: st.DrawFn, length: int, unit: int) -> list[tuple[int, int]]:
    """Up to three breaks strictly inside a range of `length` minutes, apart from each other."""
    inner = length // unit - 1
    count = draw(st.integers(0, min(3, inner // 2)))
    if count == 0:
        return []
    points = draw(
        st.lists(st.integers(1, inner), min_size=2 * count, max_size=2 * count, unique=True)
    )
    points = [point * unit for point in sorted(points)]
    return list(zip(points[::2], points[1::2], strict=True))


def steps(unit: int, short: int, longest: int) -> st.SearchStrategy[int]:
    """Minutes in whole units up to `longest`, often no more than `short`."""
    return (st.integers(0, short // unit) | st.integers(0, longest // unit)).map(lambda n: n * unit)


@st.composite
def weekly_templates(
    draw: st.DrawFn, min_ranges: int = 0, near: int | None = None
) -> list[WeeklyRange]:
    """Valid weekly hours, laid one after another round the week from a random point.

    Ranges last a minute to a whole day (overnight and 24 h ones included), may meet end to
    start, and together take at most one week, so none overlaps another, Sunday's included.
    With `near` (minutes from Monday 00:00), they start close to it, often short and close.
    """
    unit = draw(st.sampled_from([1, 5, 15, 30, 60]))
    if near is None:
        cursor = draw(st.integers(0, MINUTES_PER_WEEK // unit - 1)) * unit
    else:
        cursor = (near + draw(st.integers(-120, 60))) // unit * unit
    free = MINUTES_PER_WEEK
    ranges = []
    for _ in range(draw(st.integers(min_ranges, 10))):
        gap = draw(steps(unit, 60, 2 * MINUTES_PER_DAY))
        length = max(unit, draw(steps(unit, 90, MINUTES_PER_DAY)))
        if gap + length > free:
            break
        free -= gap + length
        cursor += gap
        ranges.append(make_range(cursor, length, draw(breaks_inside(length, unit))))
        cursor += length
    return draw(st.permutations(ranges))


def offset_at(moment: datetime, tz: ZoneInfo) -> timedelta:
    offset = moment.astimezone(tz).utcoffset()
    assert offset is not None
    return offset


@cache
def clock_changes(name: str) -> tuple[datetime, ...]:
    """Roughly when the zone's clocks change in 2015-2030, on the wall clock before the change."""
    tz, changes = zone(name), []
    quarter = timedelta(minutes=15)
    moment, end = (datetime.combine(day, time(12), UTC) for day in (FIRST_DAY, LAST_DAY))
    while moment < end:
        old = offset_at(moment, tz)
        if offset_at(moment + ONE_DAY, tz) != old:
            while offset_at(moment, tz) == old:
                moment += quarter
            changes.append((moment + old).replace(tzinfo=None))
        moment += ONE_DAY
    return tuple(changes)


Case = tuple[list[WeeklyRange], ZoneInfo, date, date]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Valid weekly hours, a zone and up to 61 days; half the time around a clock change.

    Around a change, the window holds the change and the hours gather near its wall clock.
    """
    name = draw(st.sampled_from(ZONES))
    changes = clock_changes(name)
    if len(changes) > 0 and draw(st.booleans()):
        change = draw(st.sampled_from(changes))
        first = change.date() - ONE_DAY * draw(st.integers(1, 3))
        last = change.date() + ONE_DAY * draw(st.integers(0, 3))
        near = change.weekday() * MINUTES_PER_DAY + change.hour * 60 + change.minute
        ranges = draw(weekly_templates(near=near))
    else:
        first = draw(st.dates(FIRST_DAY, LAST_DAY))
        last = first + ONE_DAY * draw(st.integers(0, 60))
        ranges = draw(weekly_templates())
    return ranges, zone(name), first, last


# --- reading shifts back on the wall clock ---------------------------------------------------


def minutes_after(start: time, clock: time) -> int:
    """Minutes from `start` until the wall clock next shows `clock` (0 if it shows it now)."""
    return ((clock.hour - start.hour) * 60 + clock.minute - start.minute) % MINUTES_PER_DAY


def wall_clock(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None)


def skipped(wall: datetime, tz: ZoneInfo) -> bool:
    """Whether the wall clock never shows `wall` (the clocks jumped over it)."""
    return wall_clock(wall.replace(tzinfo=tz), tz) != wall


def wall_range(item: WeeklyRange, day: date) -> tuple[datetime, datetime]:
    """Where a range starting on `day` starts and ends on the wall clock."""
    start, end = item.span()
    starts = datetime.combine(day, item.starts)
    return starts, starts + timedelta(minutes=end - start)


def wall_breaks(item: WeeklyRange, day: date) -> list[tuple[datetime, datetime]]:
    """Where the range's breaks start and end on the wall clock, in the order they are taken."""
    starts = datetime.combine(day, item.starts)

    def at(clock: time) -> datetime:
        return starts + timedelta(minutes=minutes_after(item.starts, clock))

    return sorted((at(pause.starts), at(pause.ends)) for pause in item.breaks)


def range_of(shift: PlannedShift, ranges: list[WeeklyRange]) -> WeeklyRange:
    [item] = [
        item
        for item in ranges
        if (item.weekday, item.starts) == (shift.local_date.weekday(), shift.local_start)
    ]
    return item


def steady(day: date, tz: ZoneInfo) -> bool:
    """Whether the clocks do not change on `day` (it lasts exactly 24 hours)."""
    starts, ends = day_bounds(day, tz)
    return ends - starts == ONE_DAY


# --- the wall clock beneath the expansion ----------------------------------------------------


def meets(wall: datetime, moment: datetime, tz: ZoneInfo) -> None:
    """Check `moment` is when the clinic's clock first shows `wall`, or the jump over it."""
    if skipped(wall, tz):
        assert offset_at(moment - ONE_MICROSECOND, tz) < offset_at(moment, tz)
        assert wall_clock(moment - ONE_MICROSECOND, tz) < wall < wall_clock(moment, tz)
    else:
        assert wall_clock(moment, tz) == wall
        assert moment == datetime.combine(wall.date(), wall.time(), tz).astimezone(UTC)


@st.composite
def times_near_a_change(draw: st.DrawFn) -> tuple[ZoneInfo, datetime]:
    name = draw(st.sampled_from([name for name in ZONES if clock_changes(name)]))
    change = draw(st.sampled_from(clock_changes(name)))
    return zone(name), change + timedelta(seconds=draw(st.integers(-7200, 7200)))


@thorough
@given(times_near_a_change(), st.integers(0, 7200))
def test_wall_clock_times_near_a_change_map_in_order_to_when_the_clock_shows_them(
    near: tuple[ZoneInfo, datetime], later: int
) -> None:
    tz, wall = near
    moment = instant(wall.date(), wall.time(), tz)
    meets(wall, moment, tz)
    after = wall + timedelta(seconds=later)
    assert moment <= instant(after.date(), after.time(), tz)


# --- properties of expand --------------------------------------------------------------------


@thorough
@given(weekly_templates())
def test_constructed_templates_are_valid_weeks(ranges: list[WeeklyRange]) -> None:
    check_week(ranges)


@thorough
@given(cases())
def test_shifts_come_in_order_never_overlap_and_each_takes_time(case: Case) -> None:
    ranges, tz, first, last = case
    shifts = list(expand(ranges, tz, first, last))
    for shift in shifts:
        assert shift.starts_at < shift.ends_at
        assert shift.starts_at.tzinfo is UTC
        assert shift.ends_at.tzinfo is UTC
    for earlier, later in itertools.pairwise(shifts):
        assert earlier.ends_at <= later.starts_at


@thorough
@given(cases())
def test_every_shift_lies_within_its_range_on_the_wall_clock(case: Case) -> None:
    ranges, tz, first, last = case
    for shift in expand(ranges, tz, first, last):
        assert first <= shift.local_date <= last
        wall_start, wall_end = wall_range(range_of(shift, ranges), shift.local_date)
        local_start, local_end = wall_clock(shift.starts_at, tz), wall_clock(shift.ends_at, tz)
        assert wall_start <= local_start
        assert local_end <= wall_end or skipped(wall_end, tz)
        # More precisely: an existing wall-clock time is met exactly, at its first occurrence;
        # one the clocks jumped over is met at the very instant of the jump.
        meets(wall_start, shift.starts_at, tz)
        meets(wall_end, shift.ends_at, tz)


@thorough
@given(cases())
def test_breaks_lie_within_their_shift_in_order_and_apart(case: Case) -> None:
    ranges, tz, first, last = case
    for shift in expand(ranges, tz, first, last):
        assert len(shift.breaks) <= len(range_of(shift, ranges).breaks)
        previous_end = shift.starts_at
        for starts_at, ends_at in shift.breaks:
            assert previous_end <= starts_at < ends_at <= shift.ends_at
            previous_end = ends_at


@thorough
@given(cases())
def test_on_days_without_a_clock_change_a_shift_lasts_its_wall_clock_length(case: Case) -> None:
    ranges, tz, first, last = case
    for shift in expand(ranges, tz, first, last):
        item = range_of(shift, ranges)
        days = [shift.local_date, shift.local_date + ONE_DAY][: 1 + item.overnight]
        if not all(steady(day, tz) for day in days):
            continue
        wall_start, wall_end = wall_range(item, shift.local_date)
        assert shift.ends_at - shift.starts_at == wall_end - wall_start
        wall_pauses = wall_breaks(item, shift.local_date)
        assert len(shift.breaks) == len(wall_pauses)
        for (starts_at, ends_at), (pause_start, pause_end) in zip(
            shift.breaks, wall_pauses, strict=True
        ):
            assert wall_clock(starts_at, tz) == pause_start
            assert wall_clock(ends_at, tz) == pause_end
            assert ends_at - starts_at == pause_end - pause_start


def wholly_skipped(start: datetime, end: datetime, tz: ZoneInfo) -> bool:
    """Whether the clocks jumped over every minute from `start` up to `end`."""
    minutes = (end - start) // timedelta(minutes=1)
    return minutes <= 120 and all(skipped(start + timedelta(minutes=n), tz) for n in range(minutes))


@thorough
@given(cases(), st.data())
def test_each_range_is_worked_on_each_open_day_unless_the_clocks_skip_it(
    case: Case, data: st.DataObject
) -> None:
    ranges, tz, first, last = case
    closed = data.draw(st.sets(st.dates(first - ONE_DAY, last + ONE_DAY), max_size=5))
    expected = []
    for day in (first + ONE_DAY * n for n in range((last - first).days + 1)):
        if day in closed:
            continue
        for item in sorted(ranges, key=lambda item: item.starts):
            if item.weekday == day.weekday() and not wholly_skipped(*wall_range(item, day), tz):
                expected.append((day, item.starts))
    shifts = expand(ranges, tz, first, last, closed=closed)
    assert [(shift.local_date, shift.local_start) for shift in shifts] == expected


@thorough
@given(cases())
def test_a_window_expands_to_the_shifts_of_its_days_one_by_one(case: Case) -> None:
    ranges, tz, first, last = case
    days = [first + ONE_DAY * n for n in range((last - first).days + 1)]
    one_by_one = [shift for day in days for shift in expand(ranges, tz, day, day)]
    assert list(expand(ranges, tz, first, last)) == one_by_one


@thorough
@given(cases(), st.data())
def test_closing_days_removes_exactly_the_shifts_of_those_days(
    case: Case, data: st.DataObject
) -> None:
    ranges, tz, first, last = case
    closed = data.draw(st.sets(st.dates(first - ONE_DAY, last + ONE_DAY), max_size=10))
    everything = list(expand(ranges, tz, first, last))
    remaining = list(expand(ranges, tz, first, last, closed=closed))
    assert remaining == [shift for shift in everything if shift.local_date not in closed]


# --- properties of check_week ----------------------------------------------------------------


@thorough
@given(weekly_templates(min_ranges=1), st.data())
def test_check_week_rejects_a_range_added_over_existing_hours(
    ranges: list[WeeklyRange], data: st.DataObject
) -> None:
    victim = data.draw(st.sampled_from(ranges))
    start, end = victim.span()
    shared_minute = data.draw(st.integers(start, end - 1))
    length = data.draw(st.integers(1, MINUTES_PER_DAY))
    extra = make_range(shared_minute - data.draw(st.integers(0, length - 1)), length, [])
    position = data.draw(st.integers(0, len(ranges)))
    with pytest.raises(InvalidWeek, match="overlap"):
        check_week([*ranges[:position], extra, *ranges[position:]])


quarter_hours = st.integers(0, MINUTES_PER_DAY // 15 - 1).map(lambda n: clock_of(15 * n))
any_ranges = st.builds(WeeklyRange, st.integers(0, 6), quarter_hours, quarter_hours)


@thorough
@given(st.lists(any_ranges, max_size=6))
def test_check_week_rejects_exactly_the_weeks_whose_hours_overlap(
    ranges: list[WeeklyRange],
) -> None:
    taken = Counter(minute % MINUTES_PER_WEEK for item in ranges for minute in range(*item.span()))
    if any(count > 1 for count in taken.values()):
        with pytest.raises(InvalidWeek, match="overlap"):
            check_week(ranges)
    else:
        check_week(ranges)


@thorough
@given(
    any_ranges,
    st.lists(st.builds(Break, quarter_hours, quarter_hours), min_size=1, max_size=4),
)
def test_check_week_accepts_exactly_breaks_strictly_inside_and_apart(
    item: WeeklyRange, pauses: list[Break]
) -> None:
    start, end = item.span()
    inside = []
    for pause in pauses:
        offset = minutes_after(item.starts, pause.starts)
        inside.append((offset, offset + minutes_after(pause.starts, pause.ends)))
    well_placed = all(0 < a < b < end - start for a, b in inside)
    apart = all(b <= c for (_, b), (c, _) in itertools.pairwise(sorted(inside)))
    week = [WeeklyRange(item.weekday, item.starts, item.ends, tuple(pauses))]
    if well_placed and apart:
        check_week(week)
    else:
        with pytest.raises(InvalidWeek, match="break"):
            check_week(week)
