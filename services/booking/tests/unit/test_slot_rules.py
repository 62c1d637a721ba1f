"""Free start times on worked examples: breaks, buffers, leave, windows, odd zones, DST days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from booking.slots.rules import Visit, free_starts, open_time
from servicekit.intervals import Interval
from servicekit.localtime import instant, zone

LONDON = zone("Europe/London")
NEW_YORK = zone("America/New_York")
NAIROBI = zone("Africa/Nairobi")
KOLKATA = zone("Asia/Kolkata")
KATHMANDU = zone("Asia/Kathmandu")
LORD_HOWE = zone("Australia/Lord_Howe")
PYONGYANG = zone("Asia/Pyongyang")

A_TUESDAY = date(2027, 6, 15)
ONE_DAY = timedelta(days=1)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def at(day: date, clock: str, tz: ZoneInfo = LONDON) -> datetime:
    """The instant the clinic's clock shows `clock` ("HH:MM") on `day`."""
    return instant(day, time.fromisoformat(clock), tz)


def span(day: date, starts: str, ends: str, tz: ZoneInfo = LONDON) -> Interval:
    """From `starts` on `day` to `ends`, on the next day when it is not later on the clock."""
    end_day = day if ends > starts else day + ONE_DAY
    return at(day, starts, tz), at(end_day, ends, tz)


def clocks(first: str, last: str, every: int = 15) -> list[str]:
    """Clock times from `first` to `last` inclusive, `every` minutes apart, within one day."""
    start, end = time.fromisoformat(first), time.fromisoformat(last)
    count = ((end.hour - start.hour) * 60 + end.minute - start.minute) // every
    moment = datetime.combine(A_TUESDAY, start)
    return [(moment + minutes(every * n)).strftime("%H:%M") for n in range(count + 1)]


def starts(
    shifts: list[Interval],
    visit: Visit,
    tz: ZoneInfo = LONDON,
    *,
    breaks: list[Interval] | None = None,
    leave: list[Interval] | None = None,
    busy: list[Interval] | None = None,
    window: Interval | None = None,
) -> list[datetime]:
    """Free starts over the shifts; the window defaults to a day either side of them."""
    if window is None:
        window = (min(s for s, _ in shifts) - ONE_DAY, max(e for _, e in shifts) + ONE_DAY)
    parts = open_time(shifts, breaks or [], leave or [])
    return list(free_starts(parts, busy or [], visit, window, tz))


def local(moments: list[datetime], tz: ZoneInfo = LONDON) -> list[str]:
    return [moment.astimezone(tz).strftime("%H:%M") for moment in moments]


HALF_HOUR = Visit(duration=minutes(30))
QUARTER_HOUR = Visit(duration=minutes(15))
HOURLY = Visit(duration=minutes(60), step=minutes(60))


# --- a plain day -----------------------------------------------------------------------------


def test_a_day_with_a_lunch_break_offers_every_quarter_hour_a_visit_fits_in() -> None:
    found = starts(
        [span(A_TUESDAY, "08:00", "17:00")],
        HALF_HOUR,
        breaks=[span(A_TUESDAY, "12:00", "13:00")],
    )
    assert local(found) == clocks("08:00", "11:30") + clocks("13:00", "16:30")
    assert len(found) == 30


def test_open_time_is_the_shift_less_its_break() -> None:
    shift, lunch = span(A_TUESDAY, "08:00", "17:00"), span(A_TUESDAY, "12:00", "13:00")
    assert open_time([shift], [lunch], []) == [(shift[0], lunch[0]), (lunch[1], shift[1])]


def test_a_visit_longer_than_any_open_part_has_no_start() -> None:
    long_visit = Visit(duration=minutes(4 * 60 + 15))
    shifts = [span(A_TUESDAY, "08:00", "17:00")]
    assert starts(shifts, long_visit, breaks=[span(A_TUESDAY, "12:00", "13:00")]) == []


# --- buffers ---------------------------------------------------------------------------------

BUFFERED = Visit(duration=minutes(30), buffer_before=minutes(10), buffer_after=minutes(5))


def test_the_buffer_before_pushes_the_first_start_and_the_buffer_after_pulls_the_last() -> None:
    found = starts([span(A_TUESDAY, "09:00", "11:00")], BUFFERED)
    # 09:00 and the off-grid 09:10 leave no room before; 10:30 + 30 + 5 passes 11:00.
    assert local(found) == ["09:15", "09:30", "09:45", "10:00", "10:15"]


def test_without_buffers_the_same_shift_offers_its_edges() -> None:
    found = starts([span(A_TUESDAY, "09:00", "11:00")], HALF_HOUR)
    assert local(found) == clocks("09:00", "10:30")


def test_buffers_keep_a_gap_around_a_busy_range() -> None:
    shift, other = span(A_TUESDAY, "09:00", "12:00"), span(A_TUESDAY, "10:00", "10:30")
    assert local(starts([shift], HALF_HOUR, busy=[other])) == [
        *clocks("09:00", "09:30"),
        *clocks("10:30", "11:30"),
    ]
    # Blocked [start - 10, start + 35) must end by 10:00 and begin at 10:30 or later.
    assert local(starts([shift], BUFFERED, busy=[other])) == ["09:15", "10:45", "11:00", "11:15"]


def test_a_hold_blocks_like_an_appointment() -> None:
    shift = span(A_TUESDAY, "09:00", "11:00")
    hold = span(A_TUESDAY, "09:30", "10:00")
    assert local(starts([shift], HALF_HOUR, busy=[hold])) == ["09:00", *clocks("10:00", "10:30")]


def test_a_busy_range_exactly_adjacent_to_the_blocked_range_does_not_block() -> None:
    shift, other = span(A_TUESDAY, "08:00", "13:00"), span(A_TUESDAY, "10:00", "11:00")
    assert local(starts([shift], HOURLY, busy=[other])) == ["08:00", "09:00", "11:00", "12:00"]
    buffered_both = Visit(duration=minutes(30), buffer_before=minutes(15), buffer_after=minutes(15))
    found = local(starts([shift], buffered_both, busy=[other]))
    assert "09:15" in found  # blocked [09:00, 10:00) ends where the other begins
    assert "09:30" not in found
    assert "11:15" in found  # blocked [11:00, 12:00) begins where the other ends
    assert "11:00" not in found


def test_the_shift_edges_are_half_open_too() -> None:
    found = starts([span(A_TUESDAY, "09:00", "10:00")], HOURLY)
    assert local(found) == ["09:00"]


# --- leave -----------------------------------------------------------------------------------


def test_leave_removes_its_time() -> None:
    shift = span(A_TUESDAY, "08:00", "17:00")
    found = starts([shift], HOURLY, leave=[span(A_TUESDAY, "10:00", "14:00")])
    assert local(found) == ["08:00", "09:00", "14:00", "15:00", "16:00"]


def test_leave_over_several_days_removes_whole_shifts() -> None:
    shifts = [span(A_TUESDAY + n * ONE_DAY, "08:00", "17:00") for n in range(3)]
    leave = (at(A_TUESDAY, "12:30"), at(A_TUESDAY + 2 * ONE_DAY, "09:00"))
    found = starts(shifts, HOURLY, leave=[leave])
    days = {moment.astimezone(LONDON).date() for moment in found}
    assert days == {A_TUESDAY, A_TUESDAY + 2 * ONE_DAY}
    assert local(found) == [*clocks("08:00", "11:00", 60), *clocks("09:00", "16:00", 60)]


# --- shifts that meet ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [(("08:00", "10:00"), ("10:00", "12:00")), (("08:00", "10:30"), ("09:00", "12:00"))],
    ids=["adjacent", "overlapping"],
)
def test_shifts_that_touch_or_overlap_merge_so_a_visit_may_span_both(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    shifts = [span(A_TUESDAY, *first), span(A_TUESDAY, *second)]
    assert open_time(shifts, [], []) == [span(A_TUESDAY, "08:00", "12:00")]
    assert local(starts(shifts, Visit(duration=minutes(60), step=minutes(30)))) == clocks(
        "08:00", "11:00", 30
    )


def test_a_visit_never_spans_a_gap_between_shifts() -> None:
    shifts = [span(A_TUESDAY, "08:00", "10:00"), span(A_TUESDAY, "10:15", "12:00")]
    found = starts(shifts, Visit(duration=minutes(60), step=minutes(30)))
    assert local(found) == ["08:00", "08:30", "09:00", "10:30", "11:00"]


# --- the window ------------------------------------------------------------------------------


def test_the_window_trims_to_minimum_notice_and_horizon_inclusive() -> None:
    shift = span(A_TUESDAY, "08:00", "17:00")
    window = (at(A_TUESDAY, "10:20"), at(A_TUESDAY, "14:00"))
    assert local(starts([shift], HOURLY, window=window)) == ["11:00", "12:00", "13:00", "14:00"]
    window = (at(A_TUESDAY, "10:00"), at(A_TUESDAY, "13:59"))
    assert local(starts([shift], HOURLY, window=window)) == ["10:00", "11:00", "12:00", "13:00"]


def test_minimum_notice_from_an_off_grid_moment_rounds_up_to_the_grid() -> None:
    shift = span(A_TUESDAY, "08:00", "17:00")
    now = at(A_TUESDAY, "09:07") + timedelta(seconds=42)
    window = (now + timedelta(hours=2), now + timedelta(hours=3))
    assert local(starts([shift], HALF_HOUR, window=window)) == clocks("11:15", "12:00")


def test_a_window_after_the_shift_offers_nothing() -> None:
    shift = span(A_TUESDAY, "08:00", "17:00")
    window = (at(A_TUESDAY, "16:45"), at(A_TUESDAY, "23:00"))
    assert starts([shift], HALF_HOUR, window=window) == []


# --- zones offset by a half or three quarters of an hour ---------------------------------------


@pytest.mark.parametrize("tz", [KOLKATA, KATHMANDU], ids=str)
def test_the_grid_follows_the_local_clock_in_zones_off_the_hour(tz: ZoneInfo) -> None:
    shift = span(A_TUESDAY, "08:07", "10:00", tz)
    found = starts([shift], HALF_HOUR, tz)
    assert local(found, tz) == clocks("08:15", "09:30")
    hourly_visit = Visit(minutes(30), step=minutes(60))
    hourly = starts([span(A_TUESDAY, "08:10", "12:00", tz)], hourly_visit, tz)
    assert local(hourly, tz) == ["09:00", "10:00", "11:00"]


def test_starts_are_local_quarter_hours_in_kathmandu_in_utc_terms() -> None:
    found = starts([span(A_TUESDAY, "09:00", "10:00", KATHMANDU)], HALF_HOUR, KATHMANDU)
    assert [moment.strftime("%H:%M") for moment in found] == ["03:15", "03:30", "03:45"]


# --- days the clocks change ------------------------------------------------------------------

CHANGES = [
    pytest.param(LONDON, date(2027, 3, 28), 44, id="London-spring"),
    pytest.param(LONDON, date(2027, 10, 31), 52, id="London-autumn"),
    pytest.param(NEW_YORK, date(2027, 3, 14), 44, id="New_York-spring"),
    pytest.param(NEW_YORK, date(2027, 11, 7), 52, id="New_York-autumn"),
    pytest.param(NAIROBI, date(2027, 3, 28), 48, id="Nairobi-no-change"),
    pytest.param(NAIROBI, date(2027, 10, 31), 48, id="Nairobi-no-change-autumn"),
]


@pytest.mark.parametrize(("tz", "day", "overnight"), CHANGES)
def test_a_day_shift_on_a_change_day_offers_the_usual_local_starts(
    tz: ZoneInfo, day: date, overnight: int
) -> None:
    on_change = starts([span(day, "08:00", "17:00", tz)], QUARTER_HOUR, tz)
    a_week_before = starts([span(day - 7 * ONE_DAY, "08:00", "17:00", tz)], QUARTER_HOUR, tz)
    assert local(on_change, tz) == local(a_week_before, tz) == clocks("08:00", "16:45")
    assert len(on_change) == 36


@pytest.mark.parametrize(("tz", "day", "overnight"), CHANGES)
def test_an_overnight_shift_over_a_change_has_the_real_hours_worth_of_starts(
    tz: ZoneInfo, day: date, overnight: int
) -> None:
    # 20:00 to 08:00 is 12 hours, 48 quarter hours; 11 when an hour is skipped, 13 when repeated.
    night = span(day - ONE_DAY, "20:00", "08:00", tz)
    found = starts([night], QUARTER_HOUR, tz)
    assert len(found) == overnight
    assert night[1] - night[0] == minutes(15 * overnight)
    normal = starts([span(day - 8 * ONE_DAY, "20:00", "08:00", tz)], QUARTER_HOUR, tz)
    assert len(normal) == 48
    assert all(later - earlier == minutes(15) for earlier, later in pairwise(found))


def test_the_skipped_hour_offers_no_starts() -> None:
    london = local(starts([span(date(2027, 3, 27), "20:00", "08:00")], QUARTER_HOUR))
    assert london == clocks("20:00", "23:45") + clocks("00:00", "00:45") + clocks("02:00", "07:45")
    night = span(date(2027, 3, 13), "20:00", "08:00", NEW_YORK)
    new_york = local(starts([night], QUARTER_HOUR, NEW_YORK), NEW_YORK)
    assert new_york == clocks("20:00", "23:45") + clocks("00:00", "01:45") + clocks(
        "03:00", "07:45"
    )


def test_the_repeated_hour_offers_its_starts_twice() -> None:
    repeated = clocks("01:00", "01:45")
    london = local(starts([span(date(2027, 10, 30), "20:00", "08:00")], QUARTER_HOUR))
    assert london == [
        *clocks("20:00", "23:45"),
        *clocks("00:00", "00:45"),
        *repeated,
        *repeated,
        *clocks("02:00", "07:45"),
    ]
    night = span(date(2027, 11, 6), "20:00", "08:00", NEW_YORK)
    new_york = local(starts([night], QUARTER_HOUR, NEW_YORK), NEW_YORK)
    assert new_york == london


# Lord Howe moves its clocks by half an hour, which is not a multiple of an hourly or a
# 20-minute grid: counting on from the last start lands off the grid after the change.
LORD_HOWE_SPRING, LORD_HOWE_AUTUMN = date(2027, 10, 3), date(2027, 4, 4)


def test_an_hourly_grid_stays_on_the_hour_when_lord_howe_springs_forward_half_an_hour() -> None:
    night = span(LORD_HOWE_SPRING, "00:00", "06:00", LORD_HOWE)
    found = starts([night], Visit(minutes(30), step=minutes(60)), LORD_HOWE)
    # 02:00 does not exist (02:00 becomes 02:30), so after 01:00 the next hour is 03:00.
    assert local(found, LORD_HOWE) == ["00:00", "01:00", "03:00", "04:00", "05:00"]


def test_an_hourly_grid_stays_on_the_hour_when_lord_howe_falls_back_half_an_hour() -> None:
    night = span(LORD_HOWE_AUTUMN, "00:00", "06:00", LORD_HOWE)
    found = starts([night], Visit(minutes(30), step=minutes(60)), LORD_HOWE)
    # 02:00 becomes 01:30 again; 01:00 happens once, 02:00 (the second time round) once.
    assert local(found, LORD_HOWE) == clocks("00:00", "05:00", 60)


def test_a_twenty_minute_grid_over_lord_howe_changes() -> None:
    visit = Visit(minutes(20), step=minutes(20))
    spring = starts([span(LORD_HOWE_SPRING, "01:00", "04:00", LORD_HOWE)], visit, LORD_HOWE)
    assert local(spring, LORD_HOWE) == ["01:00", "01:20", "01:40", *clocks("02:40", "03:40", 20)]
    autumn = starts([span(LORD_HOWE_AUTUMN, "01:00", "03:00", LORD_HOWE)], visit, LORD_HOWE)
    assert local(autumn, LORD_HOWE) == [
        *clocks("01:00", "01:40", 20),
        *clocks("01:40", "02:40", 20),
    ]


def test_a_change_off_the_grid_does_not_skip_the_first_start_after_it() -> None:
    # Pyongyang went from +08:30 to +09:00 at 23:30 on 4 May 2018: the clock read 00:00 next.
    night = span(date(2018, 5, 4), "22:00", "02:00", PYONGYANG)
    found = starts([night], Visit(minutes(30), step=minutes(60)), PYONGYANG)
    assert local(found, PYONGYANG) == ["22:00", "23:00", "00:00", "01:00"]
