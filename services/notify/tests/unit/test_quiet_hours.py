"""Quiet hours move a message out of the night, in the clinic's zone, across DST too."""

from datetime import date, time, timedelta

import pytest
from notify.messages.quiet_hours import clear_of_quiet_hours, in_quiet_hours
from servicekit.localtime import instant, zone

LONDON = zone("Europe/London")
NIGHT = (time(21), time(7))


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [
        (time(20, 59), False),
        (time(21), True),
        (time(3), True),
        (time(6, 59), True),
        (time(7), False),
    ],
)
def test_a_night_period_wraps_past_midnight(clock: time, quiet: bool) -> None:
    assert in_quiet_hours(clock, *NIGHT) is quiet


def test_a_daytime_period_does_not_wrap() -> None:
    assert in_quiet_hours(time(13, 30), time(13), time(14))
    assert not in_quiet_hours(time(14), time(13), time(14))


def test_outside_quiet_hours_nothing_moves() -> None:
    at = instant(date(2026, 6, 1), time(12), LONDON)
    assert clear_of_quiet_hours(at, LONDON, *NIGHT, before=at + timedelta(hours=2)) == at


def test_in_the_early_morning_it_waits_for_the_end() -> None:
    at = instant(date(2026, 6, 1), time(6), LONDON)
    visit = instant(date(2026, 6, 1), time(8), LONDON)
    assert clear_of_quiet_hours(at, LONDON, *NIGHT, before=visit) == instant(
        date(2026, 6, 1), time(7), LONDON
    )


def test_late_in_the_evening_it_waits_for_the_next_morning() -> None:
    at = instant(date(2026, 6, 1), time(22), LONDON)
    visit = instant(date(2026, 6, 2), time(10), LONDON)
    assert clear_of_quiet_hours(at, LONDON, *NIGHT, before=visit) == instant(
        date(2026, 6, 2), time(7), LONDON
    )


def test_when_the_morning_is_too_late_it_goes_the_evening_before() -> None:
    at = instant(date(2026, 6, 2), time(4, 30), LONDON)
    visit = instant(date(2026, 6, 2), time(6, 30), LONDON)  # an early visit
    assert clear_of_quiet_hours(at, LONDON, *NIGHT, before=visit) == instant(
        date(2026, 6, 1), time(20, 59), LONDON
    )


def test_the_night_the_clocks_go_back_is_an_hour_longer() -> None:
    # 2026-10-25: London falls back at 02:00; 07:00 local is 07:00 GMT, not BST.
    at = instant(date(2026, 10, 25), time(1, 30), LONDON)
    visit = instant(date(2026, 10, 25), time(12), LONDON)
    moved = clear_of_quiet_hours(at, LONDON, *NIGHT, before=visit)
    assert moved.astimezone(LONDON).time() == time(7)
    assert moved.astimezone(LONDON).utcoffset() == timedelta(0)


def test_no_quiet_hours_configured() -> None:
    at = instant(date(2026, 6, 1), time(3), LONDON)
    assert clear_of_quiet_hours(at, LONDON, None, None, before=at + timedelta(hours=5)) == at
