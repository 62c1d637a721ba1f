"""Weekly templates: which weeks are valid, and the shifts they expand to around DST changes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from servicekit.localtime import zone
from shifts.templates.rules import (
    MINUTES_PER_WEEK,
    Break,
    InvalidWeek,
    PlannedShift,
    WeeklyRange,
    check_week,
    expand,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

LONDON = zone("Europe/London")
SAO_PAULO = zone("America/Sao_Paulo")
NEW_YORK = zone("America/New_York")
NAIROBI = zone("Africa/Nairobi")
LORD_HOWE = zone("Australia/Lord_Howe")

HOUR = timedelta(hours=1)


def clock(text: str) -> time:
    return time.fromisoformat(text)


def weekly(weekday: int, hours: str, *breaks: str) -> WeeklyRange:
    """A range written as "08:00-17:00", with breaks written the same way."""
    starts, ends = hours.split("-")
    pauses = tuple(Break(*map(clock, pause.split("-"))) for pause in breaks)
    return WeeklyRange(weekday, clock(starts), clock(ends), pauses)


def every_day(hours: str, *breaks: str, days: range = range(7)) -> list[WeeklyRange]:
    return [weekly(day, hours, *breaks) for day in days]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def length(shift: PlannedShift) -> timedelta:
    return shift.ends_at - shift.starts_at


NINE_TO_FIVE = every_day("08:00-17:00", "12:00-13:00", days=range(MON, SAT))


# --- the range itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "overnight", "span"),
    [
        ("08:00-17:00", False, (8 * 60, 17 * 60)),
        ("20:00-08:00", True, (20 * 60, 32 * 60)),
        ("22:00-00:00", True, (22 * 60, 24 * 60)),
        ("00:00-23:59", False, (0, 24 * 60 - 1)),
        ("08:00-08:00", True, (8 * 60, 32 * 60)),
    ],
)
def test_a_range_knows_whether_it_runs_overnight_and_its_weekly_span(
    hours: str, overnight: bool, span: tuple[int, int]
) -> None:
    item = weekly(TUE, hours)
    assert item.overnight is overnight
    assert item.span() == (span[0] + 24 * 60, span[1] + 24 * 60)


def test_a_sunday_overnight_span_runs_past_the_end_of_the_week() -> None:
    assert weekly(SUN, "22:00-06:00").span() == (MINUTES_PER_WEEK - 120, MINUTES_PER_WEEK + 360)


# --- check_week accepts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "ranges",
    [
        pytest.param([], id="no hours at all"),
        pytest.param(NINE_TO_FIVE, id="mon-fri nine to five with lunch"),
        pytest.param([weekly(MON, "08:00-12:00"), weekly(MON, "12:00-16:00")], id="back to back"),
        pytest.param([weekly(MON, "14:00-18:00"), weekly(MON, "08:00-12:00")], id="any order"),
        pytest.param(every_day("20:00-08:00"), id="every night"),
        pytest.param(every_day("08:00-08:00"), id="round the clock every day"),
        pytest.param([weekly(MON, "22:00-06:00"), weekly(TUE, "06:00-14:00")], id="night then day"),
        pytest.param([weekly(SUN, "22:00-06:00"), weekly(MON, "06:00-14:00")], id="sunday night"),
        pytest.param([weekly(SUN, "06:00-06:00"), weekly(MON, "06:00-14:00")], id="sunday 24 h"),
        pytest.param([weekly(SAT, "22:00-00:00"), weekly(SUN, "00:00-08:00")], id="to midnight"),
        pytest.param([weekly(MON, "08:00-17:00", "10:00-10:15", "12:00-13:00")], id="two breaks"),
        pytest.param([weekly(MON, "08:00-17:00", "12:00-13:00", "13:00-13:30")], id="breaks meet"),
        pytest.param([weekly(MON, "08:00-17:00", "08:01-16:59")], id="break just inside"),
        pytest.param([weekly(FRI, "22:00-06:00", "02:00-02:30")], id="break after midnight"),
        pytest.param([weekly(FRI, "22:00-06:00", "23:30-00:30")], id="break over midnight"),
        pytest.param([weekly(FRI, "22:00-06:00", "23:00-23:30", "03:00-04:00")], id="both sides"),
        pytest.param([weekly(SUN, "20:00-08:00", "01:00-02:00")], id="sunday break on monday"),
        pytest.param([weekly(WED, "07:00-07:00", "06:00-06:30")], id="24 h break before start"),
    ],
)
def test_check_week_accepts_hours_that_can_be_worked(ranges: list[WeeklyRange]) -> None:
    check_week(ranges)


# --- check_week rejects ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranges", "where"),
    [
        pytest.param(
            [weekly(MON, "08:00-12:00"), weekly(MON, "11:00-15:00")], "mon 11:00", id="same day"
        ),
        pytest.param(
            [weekly(MON, "11:00-15:00"), weekly(MON, "08:00-12:00")], "mon 11:00", id="reversed"
        ),
        pytest.param(
            [weekly(TUE, "08:00-17:00"), weekly(TUE, "08:00-17:00")], "tue 08:00", id="twice"
        ),
        pytest.param(
            [weekly(TUE, "08:00-17:00"), weekly(TUE, "10:00-11:00")], "tue 10:00", id="inside"
        ),
        pytest.param(
            [weekly(WED, "09:00-10:00"), weekly(WED, "08:00-17:00")], "wed 09:00", id="around"
        ),
        pytest.param(
            [weekly(MON, "22:00-06:00"), weekly(TUE, "05:00-09:00")], "tue 05:00", id="overnight"
        ),
        pytest.param(
            [weekly(MON, "22:00-00:30"), weekly(TUE, "00:00-01:00")], "tue 00:00", id="midnight"
        ),
        pytest.param(
            [weekly(MON, "08:00-08:00"), weekly(TUE, "07:59-09:00")], "tue 07:59", id="24 h"
        ),
        pytest.param(
            [weekly(SAT, "20:00-08:00"), weekly(SUN, "07:00-15:00")],
            "sun 07:00",
            id="saturday night",
        ),
        pytest.param(
            [weekly(MON, "22:00-06:00"), weekly(TUE, "22:00-06:00"), weekly(WED, "01:00-02:00")],
            "wed 01:00",
            id="one of several",
        ),
    ],
)
def test_check_week_rejects_overlapping_hours(ranges: list[WeeklyRange], where: str) -> None:
    with pytest.raises(InvalidWeek, match=f"working hours overlap at {where}"):
        check_week(ranges)


@pytest.mark.parametrize(
    "ranges",
    [
        pytest.param([weekly(SUN, "22:00-06:00"), weekly(MON, "05:00-09:00")], id="night"),
        pytest.param([weekly(SUN, "22:00-00:01"), weekly(MON, "00:00-09:00")], id="one minute"),
        pytest.param([weekly(SUN, "09:00-09:00"), weekly(MON, "08:00-09:00")], id="24 h"),
        pytest.param([weekly(MON, "01:00-02:00"), weekly(SUN, "23:00-01:30")], id="first range"),
        pytest.param(
            [weekly(MON, "03:00-04:00"), weekly(MON, "08:00-09:00"), weekly(SUN, "20:00-03:30")],
            id="with more on monday",
        ),
    ],
)
def test_check_week_rejects_sunday_nights_that_run_into_monday_hours(
    ranges: list[WeeklyRange],
) -> None:
    with pytest.raises(InvalidWeek, match="Sunday's overnight hours overlap Monday's"):
        check_week(ranges)


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(weekly(MON, "08:00-17:00", "07:00-07:30"), id="before the start"),
        pytest.param(weekly(MON, "08:00-17:00", "17:30-18:00"), id="after the end"),
        pytest.param(weekly(MON, "08:00-17:00", "16:30-17:30"), id="across the end"),
        pytest.param(weekly(MON, "08:00-17:00", "07:30-08:30"), id="across the start"),
        pytest.param(weekly(MON, "08:00-17:00", "08:00-08:30"), id="at the start"),
        pytest.param(weekly(MON, "08:00-17:00", "16:30-17:00"), id="at the end"),
        pytest.param(weekly(MON, "08:00-17:00", "08:00-17:00"), id="the whole range"),
        pytest.param(weekly(MON, "08:00-17:00", "13:00-12:00"), id="backwards"),
        pytest.param(weekly(MON, "08:00-17:00", "12:00-12:00"), id="empty"),
        pytest.param(weekly(MON, "08:00-17:00", "23:00-01:00"), id="overnight in a day range"),
        pytest.param(weekly(MON, "22:00-06:00", "06:30-07:00"), id="after an overnight end"),
        pytest.param(weekly(MON, "22:00-06:00", "21:00-21:30"), id="before an overnight start"),
        pytest.param(weekly(MON, "22:00-06:00", "05:30-06:00"), id="at an overnight end"),
        pytest.param(weekly(MON, "22:00-06:00", "22:00-23:00"), id="at an overnight start"),
        pytest.param(weekly(MON, "07:00-07:00", "07:00-08:00"), id="at a 24 h start"),
        pytest.param(weekly(MON, "07:00-07:00", "06:00-07:00"), id="at a 24 h end"),
    ],
)
def test_check_week_rejects_breaks_not_strictly_inside_their_range(item: WeeklyRange) -> None:
    with pytest.raises(InvalidWeek, match="must lie strictly inside"):
        check_week([item])


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(weekly(TUE, "08:00-17:00", "12:00-13:00", "12:30-13:30"), id="partly"),
        pytest.param(weekly(TUE, "08:00-17:00", "12:00-13:00", "12:15-12:45"), id="inside"),
        pytest.param(weekly(TUE, "08:00-17:00", "12:00-13:00", "12:00-13:00"), id="twice"),
        pytest.param(weekly(TUE, "08:00-17:00", "12:30-13:30", "12:00-13:00"), id="reversed"),
        pytest.param(weekly(TUE, "22:00-06:00", "23:30-00:30", "00:15-01:00"), id="at midnight"),
    ],
)
def test_check_week_rejects_overlapping_breaks(item: WeeklyRange) -> None:
    with pytest.raises(InvalidWeek, match="breaks overlap on tue"):
        check_week([item])


def test_a_bad_break_is_reported_even_when_the_hours_do_not_overlap() -> None:
    with pytest.raises(InvalidWeek, match="a break on fri"):
        check_week([*NINE_TO_FIVE[:4], weekly(FRI, "08:00-17:00", "18:00-19:00")])


def test_invalid_week_is_a_value_error() -> None:
    assert issubclass(InvalidWeek, ValueError)


# --- expand: ordinary days -------------------------------------------------------------------


def test_a_nine_to_five_week_expands_to_five_shifts_in_order() -> None:
    shifts = list(expand(NINE_TO_FIVE, LONDON, date(2026, 6, 1), date(2026, 6, 7)))
    assert [shift.local_date for shift in shifts] == [date(2026, 6, d) for d in range(1, 6)]
    first = shifts[0]
    assert first.local_start == time(8)
    assert (first.starts_at, first.ends_at) == (utc(2026, 6, 1, 7), utc(2026, 6, 1, 16))
    assert first.breaks == ((utc(2026, 6, 1, 11), utc(2026, 6, 1, 12)),)
    assert first.starts_at.tzinfo is UTC


def test_first_and_last_days_are_both_included() -> None:
    shifts = list(expand(NINE_TO_FIVE, LONDON, date(2026, 6, 2), date(2026, 6, 4)))
    assert [shift.local_date for shift in shifts] == [
        date(2026, 6, 2),
        date(2026, 6, 3),
        date(2026, 6, 4),
    ]


def test_a_single_day_window_yields_that_days_shifts() -> None:
    shifts = list(expand(NINE_TO_FIVE, LONDON, date(2026, 6, 3), date(2026, 6, 3)))
    assert [shift.local_date for shift in shifts] == [date(2026, 6, 3)]


def test_a_window_that_ends_before_it_starts_yields_nothing() -> None:
    assert list(expand(NINE_TO_FIVE, LONDON, date(2026, 6, 5), date(2026, 6, 1))) == []


def test_a_window_of_weekends_yields_nothing_for_a_weekday_template() -> None:
    assert list(expand(NINE_TO_FIVE, LONDON, date(2026, 6, 6), date(2026, 6, 7))) == []


def test_closed_days_are_skipped() -> None:
    closed = {date(2026, 6, 2), date(2026, 6, 4), date(2026, 6, 6)}
    shifts = list(expand(NINE_TO_FIVE, LONDON, date(2026, 6, 1), date(2026, 6, 7), closed=closed))
    assert [shift.local_date for shift in shifts] == [
        date(2026, 6, 1),
        date(2026, 6, 3),
        date(2026, 6, 5),
    ]


def test_closing_the_first_and_last_days_leaves_the_days_between() -> None:
    first, last = date(2026, 6, 1), date(2026, 6, 5)
    shifts = list(expand(NINE_TO_FIVE, LONDON, first, last, closed=[first, last]))
    assert [shift.local_date for shift in shifts] == [
        date(2026, 6, 2),
        date(2026, 6, 3),
        date(2026, 6, 4),
    ]


def test_a_night_that_starts_before_a_closed_day_is_still_worked() -> None:
    nights = every_day("20:00-08:00")
    shifts = list(
        expand(nights, LONDON, date(2026, 6, 1), date(2026, 6, 2), closed={date(2026, 6, 2)})
    )
    assert [shift.local_date for shift in shifts] == [date(2026, 6, 1)]
    assert shifts[0].ends_at == utc(2026, 6, 2, 7)


def test_a_shift_keeps_its_start_date_and_clock_when_it_runs_overnight() -> None:
    [shift] = expand(
        [weekly(FRI, "22:00-06:00", "02:00-02:30")], NEW_YORK, date(2026, 6, 5), date(2026, 6, 5)
    )
    assert (shift.local_date, shift.local_start) == (date(2026, 6, 5), time(22))
    assert (shift.starts_at, shift.ends_at) == (utc(2026, 6, 6, 2), utc(2026, 6, 6, 10))
    assert shift.breaks == ((utc(2026, 6, 6, 6), utc(2026, 6, 6, 6, 30)),)


def test_a_break_over_midnight_runs_from_one_day_into_the_next() -> None:
    [shift] = expand(
        [weekly(FRI, "22:00-06:00", "23:30-00:30")], LONDON, date(2026, 6, 5), date(2026, 6, 5)
    )
    assert shift.breaks == ((utc(2026, 6, 5, 22, 30), utc(2026, 6, 5, 23, 30)),)


def test_breaks_come_out_in_the_order_they_are_taken() -> None:
    item = weekly(SAT, "20:00-08:00", "03:00-03:30", "23:00-23:15", "00:30-01:00")
    [shift] = expand([item], NAIROBI, date(2026, 6, 6), date(2026, 6, 6))
    assert [local(start, NAIROBI).time() for start, _ in shift.breaks] == [
        time(23),
        time(0, 30),
        time(3),
    ]


def test_a_24_hour_range_lasts_a_day() -> None:
    [shift] = expand([weekly(WED, "07:00-07:00")], LONDON, date(2026, 6, 3), date(2026, 6, 3))
    assert (shift.starts_at, shift.ends_at) == (utc(2026, 6, 3, 6), utc(2026, 6, 4, 6))


def test_shifts_come_out_in_time_order_whatever_the_order_of_the_ranges() -> None:
    ranges = [
        weekly(MON, "18:00-02:00"),
        weekly(TUE, "13:00-17:00"),
        weekly(MON, "06:00-10:00"),
        weekly(TUE, "03:00-07:00"),
    ]
    check_week(ranges)
    shifts = list(expand(ranges, LONDON, date(2026, 6, 1), date(2026, 6, 2)))
    assert [(s.local_date, s.local_start) for s in shifts] == [
        (date(2026, 6, 1), time(6)),
        (date(2026, 6, 1), time(18)),
        (date(2026, 6, 2), time(3)),
        (date(2026, 6, 2), time(13)),
    ]
    assert all(a.ends_at <= b.starts_at for a, b in itertools.pairwise(shifts))


def test_expand_accepts_any_iterable_of_closed_days_and_is_lazy() -> None:
    shifts = expand(NINE_TO_FIVE, LONDON, date(2026, 6, 1), date(2026, 6, 5), closed=frozenset())
    assert next(shifts).local_date == date(2026, 6, 1)


# --- expand: days the clocks change ----------------------------------------------------------

CHANGE_DAYS = [
    pytest.param(LONDON, date(2026, 3, 29), 23, id="london spring"),
    pytest.param(LONDON, date(2026, 10, 25), 25, id="london autumn"),
    pytest.param(NEW_YORK, date(2026, 3, 8), 23, id="new york spring"),
    pytest.param(NEW_YORK, date(2026, 11, 1), 25, id="new york autumn"),
    pytest.param(SAO_PAULO, date(2018, 11, 4), 23, id="sao paulo spring"),
    pytest.param(SAO_PAULO, date(2019, 2, 16), 25, id="sao paulo autumn"),
    pytest.param(SAO_PAULO, date(2019, 2, 17), 24, id="sao paulo after autumn"),
]


@pytest.mark.parametrize(("tz", "change_day", "hours"), CHANGE_DAYS)
def test_a_day_shift_on_the_change_day_keeps_its_local_hours_and_lasts_nine_hours(
    tz: ZoneInfo, change_day: date, hours: int
) -> None:
    day_shift = weekly(change_day.weekday(), "08:00-17:00", "12:00-13:00")
    [shift] = expand([day_shift], tz, change_day, change_day)
    assert local(shift.starts_at, tz) == datetime.combine(change_day, time(8))
    assert local(shift.ends_at, tz) == datetime.combine(change_day, time(17))
    assert length(shift) == 9 * HOUR
    [(pause_starts, pause_ends)] = shift.breaks
    assert local(pause_starts, tz) == datetime.combine(change_day, time(12))
    assert pause_ends - pause_starts == HOUR


@pytest.mark.parametrize(("tz", "change_day", "hours"), CHANGE_DAYS)
def test_a_nine_to_five_template_around_the_change_is_nine_hours_every_day(
    tz: ZoneInfo, change_day: date, hours: int
) -> None:
    every_weekday = every_day("08:00-17:00", "12:00-13:00")
    first, last = change_day - timedelta(days=7), change_day + timedelta(days=7)
    for template, count in ((NINE_TO_FIVE, 10 + (change_day.weekday() < SAT)), (every_weekday, 15)):
        shifts = list(expand(template, tz, first, last))
        assert len(shifts) == count
        for shift in shifts:
            assert local(shift.starts_at, tz).time() == time(8)
            assert local(shift.ends_at, tz).time() == time(17)
            assert length(shift) == 9 * HOUR
            assert [local(moment, tz).time() for moment in shift.breaks[0]] == [time(12), time(13)]


@pytest.mark.parametrize(("tz", "change_day", "hours"), CHANGE_DAYS)
def test_a_24_hour_range_on_the_change_day_lasts_as_long_as_the_day(
    tz: ZoneInfo, change_day: date, hours: int
) -> None:
    [shift] = expand([weekly(change_day.weekday(), "00:00-00:00")], tz, change_day, change_day)
    assert length(shift) == hours * HOUR


@pytest.mark.parametrize(
    ("tz", "evening", "hours"),
    [
        pytest.param(LONDON, date(2026, 3, 28), 11, id="london spring"),
        pytest.param(LONDON, date(2026, 10, 24), 13, id="london autumn"),
        pytest.param(NEW_YORK, date(2026, 3, 7), 11, id="new york spring"),
        pytest.param(NEW_YORK, date(2026, 10, 31), 13, id="new york autumn"),
        pytest.param(SAO_PAULO, date(2018, 11, 3), 11, id="sao paulo spring"),
        pytest.param(SAO_PAULO, date(2019, 2, 16), 13, id="sao paulo autumn"),
    ],
)
def test_a_night_shift_across_the_change_lasts_11_or_13_hours(
    tz: ZoneInfo, evening: date, hours: int
) -> None:
    night = weekly(evening.weekday(), "20:00-08:00", "04:00-04:30")
    [shift] = expand([night], tz, evening, evening)
    morning = evening + timedelta(days=1)
    assert local(shift.starts_at, tz) == datetime.combine(evening, time(20))
    assert local(shift.ends_at, tz) == datetime.combine(morning, time(8))
    assert length(shift) == hours * HOUR
    [(pause_starts, pause_ends)] = shift.breaks
    assert local(pause_starts, tz) == datetime.combine(morning, time(4))
    assert pause_ends - pause_starts == timedelta(minutes=30)
    for other in (evening - timedelta(days=7), evening + timedelta(days=7)):
        [usual] = expand([night], tz, other, other)
        assert length(usual) == 12 * HOUR


def test_in_nairobi_a_nine_to_five_always_lasts_nine_hours_and_a_night_twelve() -> None:
    first, last = date(2015, 1, 1), date(2030, 12, 31)
    days = list(expand(every_day("08:00-17:00", "12:00-13:00"), NAIROBI, first, last))
    nights = list(expand(every_day("20:00-08:00"), NAIROBI, first, last))
    assert len(days) == len(nights) == (last - first).days + 1
    assert {length(shift) for shift in days} == {9 * HOUR}
    assert {length(shift) for shift in nights} == {12 * HOUR}
    assert {shift.starts_at.time() for shift in days} == {time(5)}


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        pytest.param(LONDON, date(2026, 3, 29), "01:10-01:50", id="london"),
        pytest.param(LONDON, date(2026, 3, 29), "01:00-02:00", id="london whole gap"),
        pytest.param(NEW_YORK, date(2026, 3, 8), "02:15-02:45", id="new york"),
        pytest.param(SAO_PAULO, date(2018, 11, 4), "00:00-00:59", id="sao paulo"),
        pytest.param(LORD_HOWE, date(2026, 10, 4), "02:05-02:25", id="lord howe"),
    ],
)
def test_a_range_wholly_inside_the_skipped_hour_yields_nothing(
    tz: ZoneInfo, day: date, hours: str
) -> None:
    item = weekly(day.weekday(), hours)
    assert list(expand([item], tz, day, day)) == []
    [week_later] = expand([item], tz, day + timedelta(days=7), day + timedelta(days=7))
    starts, ends = map(clock, hours.split("-"))
    wall = datetime.combine(day, ends) - datetime.combine(day, starts)
    assert length(week_later) == wall


def test_the_skipped_range_leaves_the_other_shifts_of_the_day() -> None:
    ranges = [weekly(SUN, "01:10-01:50"), weekly(SUN, "09:00-17:00")]
    shifts = list(expand(ranges, LONDON, date(2026, 3, 29), date(2026, 3, 29)))
    assert [shift.local_start for shift in shifts] == [time(9)]


@pytest.mark.parametrize(
    ("hours", "starts_at", "ends_at"),
    [
        pytest.param(
            "00:30-01:30", utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1), id="ends in the gap"
        ),
        pytest.param(
            "01:30-03:00", utc(2026, 3, 29, 1), utc(2026, 3, 29, 2), id="starts in the gap"
        ),
        pytest.param("00:00-04:00", utc(2026, 3, 29, 0), utc(2026, 3, 29, 3), id="spans the gap"),
        pytest.param(
            "01:00-01:00", utc(2026, 3, 29, 1), utc(2026, 3, 30, 0), id="24 h from the gap"
        ),
    ],
)
def test_a_range_partly_in_the_gap_holds_only_the_real_time(
    hours: str, starts_at: datetime, ends_at: datetime
) -> None:
    [shift] = expand([weekly(SUN, hours)], LONDON, date(2026, 3, 29), date(2026, 3, 29))
    assert (shift.starts_at, shift.ends_at) == (starts_at, ends_at)


def test_a_range_in_the_repeated_hour_is_its_first_occurrence() -> None:
    [shift] = expand([weekly(SUN, "01:15-01:45")], LONDON, date(2026, 10, 25), date(2026, 10, 25))
    assert (shift.starts_at, shift.ends_at) == (utc(2026, 10, 25, 0, 15), utc(2026, 10, 25, 0, 45))


@pytest.mark.parametrize(
    ("hours", "real"),
    [
        pytest.param("00:30-02:30", 3, id="over the repeated hour"),
        pytest.param("01:30-02:30", 2, id="from inside the repeated hour"),
        pytest.param("00:30-01:30", 1, id="into the repeated hour"),
    ],
)
def test_a_range_over_the_repeated_hour_includes_it(hours: str, real: int) -> None:
    [shift] = expand([weekly(SUN, hours)], LONDON, date(2026, 10, 25), date(2026, 10, 25))
    assert length(shift) == real * HOUR


def test_ranges_that_meet_in_the_repeated_hour_still_meet() -> None:
    ranges = [weekly(SAT, "20:00-01:30"), weekly(SUN, "01:30-06:00")]
    night, morning = expand(ranges, LONDON, date(2026, 10, 24), date(2026, 10, 25))
    assert night.ends_at == morning.starts_at == utc(2026, 10, 25, 0, 30)
    assert length(night) == 5.5 * HOUR
    assert length(morning) == 5.5 * HOUR


def test_ranges_that_meet_in_the_gap_still_meet() -> None:
    ranges = [weekly(SAT, "20:00-01:30"), weekly(SUN, "01:30-06:00")]
    night, morning = expand(ranges, LONDON, date(2026, 3, 28), date(2026, 3, 29))
    assert night.ends_at == morning.starts_at == utc(2026, 3, 29, 1)


def test_a_break_wholly_in_the_skipped_hour_is_dropped() -> None:
    item = weekly(SUN, "00:00-06:00", "01:15-01:45", "04:00-04:30")
    [shift] = expand([item], LONDON, date(2026, 3, 29), date(2026, 3, 29))
    assert shift.breaks == ((utc(2026, 3, 29, 3), utc(2026, 3, 29, 3, 30)),)


def test_a_break_partly_in_the_skipped_hour_keeps_its_real_part() -> None:
    item = weekly(SUN, "00:00-06:00", "00:30-01:30", "01:45-02:30")
    [shift] = expand([item], LONDON, date(2026, 3, 29), date(2026, 3, 29))
    assert shift.breaks == (
        (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1)),
        (utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 30)),
    )


def test_a_night_break_in_new_yorks_skipped_hour_is_dropped() -> None:
    night = weekly(SAT, "20:00-08:00", "02:00-02:30")
    [shift] = expand([night], NEW_YORK, date(2026, 3, 7), date(2026, 3, 7))
    assert shift.breaks == ()
    assert length(shift) == 11 * HOUR
