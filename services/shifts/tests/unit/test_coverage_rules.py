"""Coverage arithmetic: clipping to local days, taking out breaks and leave, DST days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from servicekit.intervals import Interval, clip, length, merge, subtract
from servicekit.localtime import day_bounds, instant, zone
from shifts.coverage.rules import WorkedShift, day_windows, gap, hours, staffed_by_day, staffed_in

LONDON = zone("Europe/London")
NAIROBI = zone("Africa/Nairobi")
HOUR = timedelta(hours=1)
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def at(hour: float) -> datetime:
    """An instant `hour` hours after T0."""
    return T0 + timedelta(hours=hour)


def span(start: float, end: float) -> tuple[datetime, datetime]:
    return at(start), at(end)


def local(day: date, clock: str, tz: ZoneInfo = NAIROBI) -> datetime:
    return instant(day, time.fromisoformat(clock), tz)


def test_clip_keeps_the_part_inside_the_window() -> None:
    assert clip(span(2, 10), span(0, 8)) == span(2, 8)
    assert clip(span(2, 10), span(4, 6)) == span(4, 6)
    assert clip(span(2, 10), span(10, 12)) is None  # touching is not overlapping
    assert clip(span(2, 10), span(11, 12)) is None


def test_merge_joins_overlapping_and_touching_intervals_and_drops_empty_ones() -> None:
    merged = merge([span(5, 7), span(1, 3), span(2, 4), span(4, 5), span(9, 9), span(10, 11)])
    assert merged == [span(1, 7), span(10, 11)]


@pytest.mark.parametrize(
    ("holes", "left"),
    [
        ([], [span(0, 10)]),
        ([span(3, 4)], [span(0, 3), span(4, 10)]),
        ([span(-5, 2), span(8, 15)], [span(2, 8)]),
        ([span(-1, 11)], []),
        ([span(12, 13), span(-3, -2)], [span(0, 10)]),
        ([span(6, 7), span(2, 3), span(2.5, 4)], [span(0, 2), span(4, 6), span(7, 10)]),
    ],
)
def test_subtract_takes_every_hole_out(holes: list[Interval], left: list[Interval]) -> None:
    assert subtract(span(0, 10), holes) == left


def test_a_shift_with_a_break_is_its_length_less_the_break() -> None:
    day = date(2026, 3, 3)
    shift = WorkedShift(
        "provider",
        (local(day, "08:00"), local(day, "17:00")),
        breaks=[(local(day, "12:00"), local(day, "13:00"))],
    )
    assert staffed_in(shift, day_bounds(day, NAIROBI)) == 8 * HOUR


def test_an_overnight_shift_counts_on_both_days() -> None:
    first = date(2026, 3, 3)
    second = first + timedelta(days=1)
    shift = WorkedShift(
        "provider",
        (local(first, "20:00"), local(second, "08:00")),
        breaks=[(local(second, "02:00"), local(second, "03:00"))],
    )
    staffed = staffed_by_day([shift], day_windows(first, second + timedelta(days=1), NAIROBI))
    assert staffed == {(first, "provider"): 4 * HOUR, (second, "provider"): 7 * HOUR}


def test_a_shift_starting_before_the_first_day_counts_only_its_part_inside() -> None:
    first = date(2026, 3, 3)
    shift = WorkedShift("receptionist", (local(first, "22:00") - 24 * HOUR, local(first, "06:00")))
    assert staffed_by_day([shift], day_windows(first, first, NAIROBI)) == {
        (first, "receptionist"): 6 * HOUR
    }


@pytest.mark.parametrize(
    ("day", "day_length"),
    [(date(2026, 3, 29), 23 * HOUR), (date(2026, 10, 25), 25 * HOUR)],
    ids=["spring-forward", "fall-back"],
)
def test_a_dst_day_is_23_or_25_hours_long(day: date, day_length: timedelta) -> None:
    window = day_bounds(day, LONDON)
    assert window[1] - window[0] == day_length
    around_the_clock = WorkedShift("provider", (window[0] - 3 * HOUR, window[1] + 3 * HOUR))
    staffed = staffed_by_day([around_the_clock], day_windows(day, day, LONDON))
    assert staffed == {(day, "provider"): day_length}


def test_a_night_shift_over_the_spring_forward_is_one_hour_shorter() -> None:
    day = date(2026, 3, 29)
    shift = WorkedShift(
        "provider", (local(day, "00:00", LONDON), local(day, "08:00", LONDON))
    )  # 8 on the wall clock, 7 in real time
    assert staffed_in(shift, day_bounds(day, LONDON)) == 7 * HOUR


def test_leave_reduces_the_staffed_time() -> None:
    day = date(2026, 3, 3)
    shift = WorkedShift(
        "provider",
        (local(day, "08:00"), local(day, "17:00")),
        leave=[(local(day, "14:00"), local(day, "20:00"))],
    )
    assert staffed_in(shift, day_bounds(day, NAIROBI)) == 6 * HOUR


def test_leave_over_a_break_is_not_taken_out_twice() -> None:
    day = date(2026, 3, 3)
    shift = WorkedShift(
        "provider",
        (local(day, "08:00"), local(day, "17:00")),
        breaks=[(local(day, "12:00"), local(day, "13:00"))],
        leave=[(local(day, "11:00"), local(day, "14:00"))],
    )
    assert staffed_in(shift, day_bounds(day, NAIROBI)) == 6 * HOUR


def test_leave_over_the_whole_shift_leaves_nothing() -> None:
    day = date(2026, 3, 3)
    shift = WorkedShift(
        "provider",
        (local(day, "08:00"), local(day, "17:00")),
        breaks=[(local(day, "12:00"), local(day, "13:00"))],
        leave=[(local(day, "00:00"), local(day + timedelta(days=1), "00:00"))],
    )
    assert staffed_by_day([shift], day_windows(day, day, NAIROBI)) == {}


def test_roles_and_days_are_summed_apart() -> None:
    day = date(2026, 3, 3)
    shifts = [
        WorkedShift("provider", (local(day, "08:00"), local(day, "12:00"))),
        WorkedShift("provider", (local(day, "13:00"), local(day, "17:30"))),
        WorkedShift("receptionist", (local(day, "07:00"), local(day, "15:00"))),
    ]
    staffed = staffed_by_day(shifts, day_windows(day, day + timedelta(days=1), NAIROBI))
    assert staffed == {(day, "provider"): 8.5 * HOUR, (day, "receptionist"): 8 * HOUR}


def test_hours_round_to_the_hundredth_and_gaps_never_go_negative() -> None:
    assert hours(8 * HOUR) == Decimal("8.00")
    assert hours(timedelta(minutes=20)) == Decimal("0.33")
    assert hours(timedelta(seconds=18)) == Decimal("0.01")  # 0.005 rounds half up
    assert gap(Decimal(16), Decimal(8)) == Decimal(8)
    assert gap(Decimal(8), Decimal("8.5")) == Decimal(0)


intervals = st.lists(
    st.tuples(st.integers(-20, 40), st.integers(1, 12)).map(lambda p: span(p[0], p[0] + p[1])),
    max_size=6,
)


@given(holes=intervals)
def test_subtracting_keeps_exactly_the_time_outside_every_hole(holes: list[Interval]) -> None:
    whole = span(0, 24)
    left = subtract(whole, holes)
    taken = [c for hole in holes if (c := clip(hole, whole)) is not None]
    assert length(left) + length(merge(taken)) == 24 * HOUR
    assert all(clip(piece, hole) is None for piece in left for hole in holes)
    assert left == merge(left)  # in order, apart
