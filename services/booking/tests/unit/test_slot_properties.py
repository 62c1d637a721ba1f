"""Properties of free starts: sound, complete and on the local grid in any zone, any date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from booking.slots.rules import Visit, free_starts, open_time
from hypothesis import given, settings
from hypothesis import strategies as st
from servicekit.intervals import Interval
from servicekit.localtime import day_bounds, instant, zone

ZONES = (
    "UTC",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "America/St_Johns",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Pyongyang",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
)
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2030, 12, 31)
ONE_DAY = timedelta(days=1)
ONE_HOUR = timedelta(hours=1)
ONE_MINUTE = timedelta(minutes=1)
ONE_SECOND = timedelta(seconds=1)
CHANGING = (  # those of ZONES whose clocks change between FIRST_DAY and LAST_DAY
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "America/St_Johns",
    "Asia/Pyongyang",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
)
# Clocks here change by half an hour, off an hourly or 20-minute grid (Pyongyang at 23:30).
HALF_HOUR_CHANGES = ("Australia/Lord_Howe", "Asia/Pyongyang")
STEPS = (5, 10, 15, 20, 30, 60)

thorough = settings(max_examples=200, deadline=None)


@cache
def change_days(name: str) -> tuple[date, ...]:
    """The days from FIRST_DAY to LAST_DAY on which the zone's clocks change."""
    tz, day, days = zone(name), FIRST_DAY, []
    while day <= LAST_DAY:
        start, end = day_bounds(day, tz)
        if end - start != ONE_DAY:
            days.append(day)
        day += ONE_DAY
    return tuple(days)


def clock_change(day: date, tz: ZoneInfo) -> datetime | None:
    """The instant the clocks change on `day`, if they do (bisecting to the second)."""
    before, after = day_bounds(day, tz)
    before -= ONE_HOUR  # a change at midnight starts the day
    offset = before.astimezone(tz).utcoffset()
    if after.astimezone(tz).utcoffset() == offset:
        return None
    while after - before > ONE_SECOND:
        middle = before + (after - before) // 2 // ONE_SECOND * ONE_SECOND
        if middle.astimezone(tz).utcoffset() == offset:
            before = middle
        else:
            after = middle
    return after


@dataclass(frozen=True)
class Case:
    """One provider's schedule around a day in a zone, the visit asked for and the window."""

    tz: ZoneInfo
    shifts: list[Interval]
    breaks: list[Interval]
    leave: list[Interval]
    busy: list[Interval]
    visit: Visit
    window: Interval

    def open_parts(self) -> list[Interval]:
        return open_time(self.shifts, self.breaks, self.leave)

    def starts(self, busy: list[Interval] | None = None) -> list[datetime]:
        busy = self.busy if busy is None else busy
        return list(free_starts(self.open_parts(), busy, self.visit, self.window, self.tz))

    def is_open_at(self, moment: datetime) -> bool:
        """Straight from the definition: in a shift, in no break and on no leave."""
        return inside(moment, self.shifts) and not inside(moment, [*self.breaks, *self.leave])

    def is_open_throughout(self, blocked: Interval) -> bool:
        # Openness only changes at the ends of shifts, breaks and leave.
        ends = {end for interval in [*self.shifts, *self.breaks, *self.leave] for end in interval}
        changes = [end for end in ends if blocked[0] < end < blocked[1]]
        return all(self.is_open_at(moment) for moment in [blocked[0], *changes])

    def is_clear(self, blocked: Interval) -> bool:
        return not any(overlap(blocked, other) for other in self.busy)


def inside(moment: datetime, intervals: list[Interval]) -> bool:
    return any(start <= moment < end for start, end in intervals)


def overlap(one: Interval, other: Interval) -> bool:
    """Whether some instant lies in both (an empty interval overlaps nothing)."""
    return max(one[0], other[0]) < min(one[1], other[1])


def minutes_since_midnight(moment: datetime, tz: ZoneInfo) -> int:
    local = moment.astimezone(tz)
    return local.hour * 60 + local.minute


def grid_instants(window: Interval, step: timedelta, tz: ZoneInfo) -> list[datetime]:
    """Every instant in the window on the local grid, found by stepping a minute at a time."""
    moment = window[0].replace(second=0, microsecond=0)
    if moment < window[0]:
        moment += ONE_MINUTE
    found = []
    while moment <= window[1]:
        local = moment.astimezone(tz)
        if local.second == 0 and minutes_since_midnight(moment, tz) % (step // ONE_MINUTE) == 0:
            found.append(moment)
        moment += ONE_MINUTE
    return found


def brute_force_starts(case: Case) -> list[datetime]:
    """Grid instants in the window whose blocked range is open throughout and clear of busy."""
    return [
        moment
        for moment in grid_instants(case.window, case.visit.step, case.tz)
        if case.is_open_throughout(case.visit.blocked(moment))
        and case.is_clear(case.visit.blocked(moment))
    ]


# --- drawing schedules -----------------------------------------------------------------------


def offsets(earliest: int, latest: int) -> st.SearchStrategy[timedelta]:
    """Offsets in minutes, now and then with odd seconds."""
    whole = st.integers(earliest, latest).map(lambda n: n * ONE_MINUTE)
    odd = st.integers(earliest * 60, latest * 60).map(lambda n: timedelta(seconds=n))
    return st.one_of(whole, whole, whole, odd)


def intervals(
    anchor: datetime, longest: int, most: int, *, least: int = 0
) -> st.SearchStrategy[list[Interval]]:
    """Up to `most` intervals starting within 18 hours of `anchor`, up to `longest` long."""
    one = st.tuples(offsets(-18 * 60, 18 * 60), offsets(0, longest)).map(
        lambda pair: (anchor + pair[0], anchor + pair[0] + pair[1])
    )
    return st.lists(one, min_size=least, max_size=most)


@st.composite
def visits(draw: st.DrawFn) -> Visit:
    return Visit(
        duration=draw(st.integers(5, 120)) * ONE_MINUTE,
        buffer_before=draw(st.integers(0, 30)) * ONE_MINUTE,
        buffer_after=draw(st.integers(0, 30)) * ONE_MINUTE,
        step=draw(st.sampled_from(STEPS)) * ONE_MINUTE,
    )


@st.composite
def clock_changes(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone and an instant its clocks change, often by half an hour."""
    name = draw(st.sampled_from(CHANGING) | st.sampled_from(HALF_HOUR_CHANGES))
    change = clock_change(draw(st.sampled_from(change_days(name))), zone(name))
    assert change is not None
    return name, change


@st.composite
def shifts_over_changes(draw: st.DrawFn) -> Case:
    """One shift over the clocks changing, nothing in its way, any visit, every start wanted."""
    name, change = draw(clock_changes())
    shift = (change - draw(offsets(0, 6 * 60)), change + draw(offsets(0, 6 * 60)))
    window = (shift[0] - ONE_HOUR, shift[1])
    return Case(zone(name), [shift], [], [], [], draw(visits()), window)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A schedule around some moment; half the time a shift spans the clocks changing."""
    if draw(st.booleans()):
        name, anchor = draw(clock_changes())
        tz = zone(name)
        spanning = [(anchor - draw(offsets(0, 8 * 60)), anchor + draw(offsets(0, 8 * 60)))]
    else:
        name = draw(st.sampled_from(ZONES))
        tz = zone(name)
        day, hour = draw(st.dates(FIRST_DAY, LAST_DAY)), draw(st.integers(0, 23))
        anchor, spanning = instant(day, time(hour), tz), []
    earliest = anchor + draw(offsets(-18 * 60, 18 * 60))
    narrow = (earliest, earliest + draw(offsets(0, 36 * 60)))
    # Shifts start within 18 hours of the anchor and last at most 14: every start fits in here.
    wide = (anchor - 18 * ONE_HOUR, anchor + 32 * ONE_HOUR)
    return Case(
        tz=tz,
        shifts=spanning + draw(intervals(anchor, 14 * 60, 3, least=1 - len(spanning))),
        breaks=draw(intervals(anchor, 2 * 60, 3)),
        leave=draw(intervals(anchor, 10 * 60, 2)),
        busy=draw(intervals(anchor, 3 * 60, 5)),
        visit=draw(visits()),
        window=draw(st.sampled_from([narrow, wide])),
    )


# --- properties ------------------------------------------------------------------------------


@thorough
@given(cases())
def test_open_time_is_shift_time_outside_breaks_and_leave(case: Case) -> None:
    parts = case.open_parts()
    assert all(start < end for start, end in parts)
    assert all(earlier[1] < later[0] for earlier, later in pairwise(parts))
    ends = {end for interval in [*case.shifts, *case.breaks, *case.leave] for end in interval}
    for moment in ends:
        assert inside(moment, parts) == case.is_open_at(moment)


@thorough
@given(cases())
def test_every_blocked_range_lies_in_one_open_part_and_clear_of_busy(case: Case) -> None:
    parts = case.open_parts()
    for start in case.starts():
        blocked = case.visit.blocked(start)
        assert any(part[0] <= blocked[0] and blocked[1] <= part[1] for part in parts)
        assert case.is_open_throughout(blocked)
        assert case.is_clear(blocked)


@thorough
@given(cases())
def test_starts_rise_strictly_within_the_window(case: Case) -> None:
    found = case.starts()
    assert all(earlier < later for earlier, later in pairwise(found))
    assert all(case.window[0] <= start <= case.window[1] for start in found)


@thorough
@given(cases())
def test_every_start_is_on_the_local_grid(case: Case) -> None:
    step = case.visit.step // ONE_MINUTE
    for start in case.starts():
        assert start.astimezone(case.tz).second == start.astimezone(case.tz).microsecond == 0
        assert minutes_since_midnight(start, case.tz) % step == 0


@thorough
@given(cases())
def test_every_grid_instant_whose_blocked_range_is_free_is_offered(case: Case) -> None:
    assert case.starts() == brute_force_starts(case)


@thorough
@given(shifts_over_changes())
def test_a_shift_over_the_clocks_changing_offers_every_grid_instant_that_fits(case: Case) -> None:
    assert case.starts() == brute_force_starts(case)


@thorough
@given(cases(), st.data())
def test_booking_a_start_takes_away_exactly_the_starts_that_would_overlap_it(
    case: Case, data: st.DataObject
) -> None:
    found = case.starts()
    if not found:
        return
    booked = case.visit.blocked(data.draw(st.sampled_from(found), label="booked"))
    after = case.starts(busy=[*case.busy, booked])
    assert not any(overlap(case.visit.blocked(start), booked) for start in after)
    assert after == [start for start in found if not overlap(case.visit.blocked(start), booked)]
