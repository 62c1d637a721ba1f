"""Wall-clock times become the right UTC instants, also on the days the clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from servicekit.localtime import day_bounds, days_bounds, instant, local_day, zone

LONDON = zone("Europe/London")
SAO_PAULO = zone("America/Sao_Paulo")
NEW_YORK = zone("America/New_York")
NAIROBI = zone("Africa/Nairobi")
LORD_HOWE = zone("Australia/Lord_Howe")
CHATHAM = zone("Pacific/Chatham")

HOUR = timedelta(hours=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def offset_at(moment: datetime, tz: ZoneInfo) -> timedelta:
    offset = moment.astimezone(tz).utcoffset()
    assert offset is not None
    return offset


# The transitions the tests below rely on, checked against the installed zone database.
@pytest.mark.parametrize(
    ("tz", "jump", "before", "after"),
    [
        (LONDON, utc(2026, 3, 29, 1), 0, 1),
        (LONDON, utc(2026, 10, 25, 1), 1, 0),
        (SAO_PAULO, utc(2018, 11, 4, 3), -3, -2),
        (SAO_PAULO, utc(2019, 2, 17, 2), -2, -3),
        (NEW_YORK, utc(2026, 3, 8, 7), -5, -4),
        (NEW_YORK, utc(2026, 11, 1, 6), -4, -5),
    ],
)
def test_the_zone_database_has_the_transitions_the_tests_assume(
    tz: ZoneInfo, jump: datetime, before: int, after: int
) -> None:
    assert offset_at(jump - timedelta(seconds=1), tz) == before * HOUR
    assert offset_at(jump, tz) == after * HOUR


def test_zone_is_cached_per_name() -> None:
    assert zone("Europe/London") is zone("Europe/London")
    assert zone("Europe/London").key == "Europe/London"


def test_zone_refuses_an_unknown_name() -> None:
    with pytest.raises(LookupError):
        zone("Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("day", "clock", "tz", "expected"),
    [
        (date(2026, 1, 15), time(9), LONDON, utc(2026, 1, 15, 9)),
        (date(2026, 7, 15), time(9), LONDON, utc(2026, 7, 15, 8)),
        (date(2026, 7, 15), time(9), NEW_YORK, utc(2026, 7, 15, 13)),
        (date(2026, 1, 15), time(9), NEW_YORK, utc(2026, 1, 15, 14)),
        (date(2019, 1, 15), time(9), SAO_PAULO, utc(2019, 1, 15, 11)),
        (date(2019, 7, 15), time(9), SAO_PAULO, utc(2019, 7, 15, 12)),
        (date(2026, 7, 15), time(9), NAIROBI, utc(2026, 7, 15, 6)),
        (date(2026, 1, 1), time(0), NAIROBI, utc(2025, 12, 31, 21)),
    ],
)
def test_an_ordinary_wall_clock_time_is_read_with_the_offset_of_the_day(
    day: date, clock: time, tz: ZoneInfo, expected: datetime
) -> None:
    assert instant(day, clock, tz) == expected


def test_the_instant_is_in_utc() -> None:
    assert instant(date(2026, 7, 15), time(9), LONDON).tzinfo is UTC


@pytest.mark.parametrize(
    ("tz", "day", "skipped", "jump"),
    [
        (
            LONDON,
            date(2026, 3, 29),
            [time(1), time(1, 1), time(1, 30), time(1, 59, 59)],
            utc(2026, 3, 29, 1),
        ),
        (NEW_YORK, date(2026, 3, 8), [time(2), time(2, 17, 42), time(2, 59)], utc(2026, 3, 8, 7)),
        (
            SAO_PAULO,
            date(2018, 11, 4),
            [time(0), time(0, 45), time(0, 59, 59, 999999)],
            utc(2018, 11, 4, 3),
        ),
        (
            LORD_HOWE,
            date(2026, 10, 4),
            [time(2), time(2, 10), time(2, 29)],
            utc(2026, 10, 3, 15, 30),
        ),
        (CHATHAM, date(2026, 9, 27), [time(2, 45), time(3), time(3, 44)], utc(2026, 9, 26, 14)),
    ],
)
def test_every_skipped_time_is_the_instant_of_the_jump(
    tz: ZoneInfo, day: date, skipped: list[time], jump: datetime
) -> None:
    for clock in skipped:
        assert instant(day, clock, tz) == jump, clock


def test_the_jump_is_exact_for_every_minute_and_second_of_the_gap() -> None:
    day, jump = date(2026, 3, 29), utc(2026, 3, 29, 1)
    seconds = [time(1, m, s) for m in range(60) for s in (0, 1, 29, 59)]
    assert {instant(day, clock, LONDON) for clock in seconds} == {jump}


@pytest.mark.parametrize(
    ("tz", "day", "last_before", "first_after"),
    [
        (LONDON, date(2026, 3, 29), time(0, 59), time(2)),
        (NEW_YORK, date(2026, 3, 8), time(1, 59), time(3)),
        (LORD_HOWE, date(2026, 10, 4), time(1, 59), time(2, 30)),
    ],
)
def test_the_times_around_a_gap_keep_their_own_offsets(
    tz: ZoneInfo, day: date, last_before: time, first_after: time
) -> None:
    before, after = instant(day, last_before, tz), instant(day, first_after, tz)
    assert after - before == timedelta(minutes=1)
    assert before.astimezone(tz).time() == last_before
    assert after.astimezone(tz).time() == first_after


def test_the_sao_paulo_gap_at_midnight_starts_its_day_at_one_o_clock() -> None:
    midnight = instant(date(2018, 11, 4), time(0), SAO_PAULO)
    assert midnight == utc(2018, 11, 4, 3)
    assert midnight.astimezone(SAO_PAULO).replace(tzinfo=None) == datetime(2018, 11, 4, 1)
    assert instant(date(2018, 11, 3), time(23, 59), SAO_PAULO) == utc(2018, 11, 4, 2, 59)


@pytest.mark.parametrize(
    ("tz", "day", "clock", "first"),
    [
        (LONDON, date(2026, 10, 25), time(1), utc(2026, 10, 25, 0)),
        (LONDON, date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
        (LONDON, date(2026, 10, 25), time(1, 59), utc(2026, 10, 25, 0, 59)),
        (NEW_YORK, date(2026, 11, 1), time(1), utc(2026, 11, 1, 5)),
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        (SAO_PAULO, date(2019, 2, 16), time(23), utc(2019, 2, 17, 1)),
        (SAO_PAULO, date(2019, 2, 16), time(23, 30), utc(2019, 2, 17, 1, 30)),
        (LORD_HOWE, date(2026, 4, 5), time(1, 45), utc(2026, 4, 4, 14, 45)),
        (CHATHAM, date(2026, 4, 5), time(3), utc(2026, 4, 4, 13, 15)),
    ],
)
def test_a_time_that_happens_twice_is_its_first_occurrence(
    tz: ZoneInfo, day: date, clock: time, first: datetime
) -> None:
    assert instant(day, clock, tz) == first
    second = datetime.combine(day, clock).replace(tzinfo=tz, fold=1).astimezone(UTC)
    assert second > first
    assert second.astimezone(tz).replace(tzinfo=None) == datetime.combine(day, clock)


@pytest.mark.parametrize(
    ("tz", "day", "clock", "expected"),
    [
        (LONDON, date(2026, 10, 25), time(0, 59), utc(2026, 10, 24, 23, 59)),
        (LONDON, date(2026, 10, 25), time(2), utc(2026, 10, 25, 2)),
        (NEW_YORK, date(2026, 11, 1), time(0, 59), utc(2026, 11, 1, 4, 59)),
        (NEW_YORK, date(2026, 11, 1), time(2), utc(2026, 11, 1, 7)),
        (SAO_PAULO, date(2019, 2, 16), time(22, 59), utc(2019, 2, 17, 0, 59)),
        (SAO_PAULO, date(2019, 2, 17), time(0), utc(2019, 2, 17, 3)),
    ],
)
def test_the_times_around_a_repeated_hour_are_unambiguous(
    tz: ZoneInfo, day: date, clock: time, expected: datetime
) -> None:
    assert instant(day, clock, tz) == expected


@pytest.mark.parametrize(
    ("tz", "day"),
    [
        (LONDON, date(2026, 3, 29)),
        (LONDON, date(2026, 10, 25)),
        (NEW_YORK, date(2026, 3, 8)),
        (NEW_YORK, date(2026, 11, 1)),
        (SAO_PAULO, date(2018, 11, 4)),
        (SAO_PAULO, date(2019, 2, 16)),
        (LORD_HOWE, date(2026, 10, 4)),
        (CHATHAM, date(2026, 4, 5)),
    ],
)
def test_later_wall_clock_times_never_map_to_earlier_instants(tz: ZoneInfo, day: date) -> None:
    clocks = [time(h, m) for h in range(24) for m in range(0, 60, 5)]
    instants = [instant(day, clock, tz) for clock in clocks]
    assert instants == sorted(instants)


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        (LONDON, date(2026, 3, 29), 23),
        (LONDON, date(2026, 10, 25), 25),
        (LONDON, date(2026, 3, 28), 24),
        (LONDON, date(2026, 3, 30), 24),
        (LONDON, date(2026, 10, 24), 24),
        (NEW_YORK, date(2026, 3, 8), 23),
        (NEW_YORK, date(2026, 11, 1), 25),
        (NEW_YORK, date(2026, 6, 1), 24),
        (SAO_PAULO, date(2018, 11, 3), 24),
        (SAO_PAULO, date(2018, 11, 4), 23),
        (SAO_PAULO, date(2019, 2, 16), 25),
        (SAO_PAULO, date(2019, 2, 17), 24),
        (SAO_PAULO, date(2019, 11, 3), 24),
        (LORD_HOWE, date(2026, 10, 4), 23.5),
        (LORD_HOWE, date(2026, 4, 5), 24.5),
        (CHATHAM, date(2026, 9, 27), 23),
        (CHATHAM, date(2026, 4, 5), 25),
    ],
)
def test_a_local_day_lasts_23_24_or_25_hours(tz: ZoneInfo, day: date, hours: float) -> None:
    starts, ends = day_bounds(day, tz)
    assert ends - starts == timedelta(hours=hours)


def test_day_bounds_start_and_end_at_local_midnight() -> None:
    starts, ends = day_bounds(date(2026, 10, 25), LONDON)
    assert (starts, ends) == (utc(2026, 10, 24, 23), utc(2026, 10, 26, 0))
    assert starts.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 10, 25)
    assert ends.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 10, 26)


def test_consecutive_days_meet_without_gap_or_overlap() -> None:
    day = date(2026, 1, 1)
    while day < date(2027, 1, 1):
        assert day_bounds(day, LONDON)[1] == day_bounds(day + timedelta(days=1), LONDON)[0]
        day += timedelta(days=1)


def test_every_day_in_nairobi_lasts_24_hours() -> None:
    day = date(2015, 1, 1)
    while day <= date(2030, 12, 31):
        starts, ends = day_bounds(day, NAIROBI)
        assert ends - starts == timedelta(hours=24), day
        assert starts == datetime.combine(day, time(0), UTC) - 3 * HOUR
        day += timedelta(days=1)


def test_days_bounds_run_from_the_first_days_start_to_the_last_days_end() -> None:
    first, last = date(2026, 3, 28), date(2026, 3, 30)
    starts, ends = days_bounds(first, last, LONDON)
    assert starts == day_bounds(first, LONDON)[0]
    assert ends == day_bounds(last, LONDON)[1]
    assert ends - starts == timedelta(hours=3 * 24 - 1)


def test_days_bounds_of_one_day_are_its_day_bounds() -> None:
    assert days_bounds(date(2026, 11, 1), date(2026, 11, 1), NEW_YORK) == day_bounds(
        date(2026, 11, 1), NEW_YORK
    )


def test_days_bounds_over_both_changes_of_a_year_last_a_whole_year() -> None:
    starts, ends = days_bounds(date(2026, 1, 1), date(2026, 12, 31), LONDON)
    assert ends - starts == timedelta(days=365)


@pytest.mark.parametrize(
    ("moment", "tz", "expected"),
    [
        (utc(2026, 7, 15, 23, 30), LONDON, date(2026, 7, 16)),
        (utc(2026, 1, 15, 23, 30), LONDON, date(2026, 1, 15)),
        (utc(2026, 7, 16, 3, 59), NEW_YORK, date(2026, 7, 15)),
        (utc(2026, 7, 16, 4), NEW_YORK, date(2026, 7, 16)),
        (utc(2026, 7, 15, 21), NAIROBI, date(2026, 7, 16)),
        (utc(2018, 11, 4, 2, 59), SAO_PAULO, date(2018, 11, 3)),
        (utc(2018, 11, 4, 3), SAO_PAULO, date(2018, 11, 4)),
        (utc(2019, 2, 17, 2, 30), SAO_PAULO, date(2019, 2, 16)),
    ],
)
def test_local_day_is_the_date_on_the_clinic_wall_calendar(
    moment: datetime, tz: ZoneInfo, expected: date
) -> None:
    assert local_day(moment, tz) == expected


def test_local_day_accepts_instants_in_any_offset() -> None:
    moment = datetime(2026, 7, 16, 8, 30, tzinfo=zone("Asia/Tokyo"))
    assert local_day(moment, NEW_YORK) == date(2026, 7, 15)


@pytest.mark.parametrize(
    ("tz", "day"),
    [
        (LONDON, date(2026, 3, 29)),
        (LONDON, date(2026, 10, 25)),
        (SAO_PAULO, date(2018, 11, 4)),
        (SAO_PAULO, date(2019, 2, 16)),
    ],
)
def test_local_day_of_a_days_bounds_is_that_day(tz: ZoneInfo, day: date) -> None:
    starts, ends = day_bounds(day, tz)
    assert local_day(starts, tz) == day
    assert local_day(ends - timedelta(microseconds=1), tz) == day
    assert local_day(ends, tz) == day + timedelta(days=1)
