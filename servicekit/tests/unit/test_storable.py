"""The bounds of servicekit.storable: what PostgreSQL and date arithmetic can take."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from servicekit.storable import (
    DATE_RANGE,
    DURATION_RANGE,
    EARLIEST,
    INT_MAX,
    INT_MIN,
    LATEST,
    NOT_FINITE,
    NUL,
    SURROGATE,
    TOO_LARGE,
    day_in_range,
    number_fault,
    numeric_text_fault,
    temporal_fault,
    text_fault,
)


@pytest.mark.parametrize("text", ["", "plain", "Zoë Müller", "日本語", "emoji 🏥", "\t\n tabs"])
def test_ordinary_text_passes(text: str) -> None:
    assert text_fault(text) is None


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "ends\x00"])
def test_nul_is_refused(text: str) -> None:
    assert text_fault(text) == NUL


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "x\udc00"])
def test_unpaired_surrogates_are_refused(text: str) -> None:
    assert text_fault(text) == SURROGATE


def test_the_bounds_are_int64_exactly() -> None:
    assert number_fault(INT_MAX) is None
    assert number_fault(INT_MIN) is None
    assert number_fault(INT_MAX + 1) == TOO_LARGE
    assert number_fault(INT_MIN - 1) == TOO_LARGE
    assert number_fault(1e19) == TOO_LARGE  # a float an integer field would take as 10**19
    assert number_fault(2.5) is None
    assert number_fault(True) is None


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_numbers_are_refused(value: float) -> None:
    assert number_fault(value) == NOT_FINITE


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("42", None),
        (" -7 ", None),
        ("9223372036854775807", None),
        ("9223372036854775808", TOO_LARGE),
        ("100000000000000000000", TOO_LARGE),
        ("9" * 5000, TOO_LARGE),  # past Python's int-parsing digit limit and float's range
        ("1e400", NOT_FINITE),
        ("NaN", NOT_FINITE),
        ("-inf", NOT_FINITE),
        ("1.5", None),
        ("forty-two", None),  # not a number: the field's own validation refuses it
    ],
)
def test_numbers_written_as_text(text: str, fault: object) -> None:
    assert numeric_text_fault(text) == fault


@pytest.mark.parametrize(
    ("value", "fmt", "fault"),
    [
        ("1900-01-01", "date", None),
        ("2199-12-31", "date", None),
        ("1899-12-31", "date", DATE_RANGE),
        ("2200-01-01", "date", DATE_RANGE),
        ("9999-12-31", "date", DATE_RANGE),
        ("0001-01-01", "date", DATE_RANGE),
        ("2027-03-29T09:15:00+01:00", "date-time", None),
        ("9999-12-31T23:59:59-05:00", "date-time", DATE_RANGE),
        ("0001-01-01T00:00:00+05:00", "date-time", DATE_RANGE),
        (253402214400000, "date-time", DATE_RANGE),  # 9999-12-31 in ms since 1970
        (1_800_000_000, "date-time", None),
        ("PT30M", "duration", None),
        ("P999999999D", "duration", DURATION_RANGE),
        ("not a date", "date", None),  # left to the field's own validation
        ("2027-02-30", "date", None),
    ],
)
def test_temporal_values_are_read_as_the_field_reads_them(
    value: object, fmt: str, fault: object
) -> None:
    assert temporal_fault(value, fmt) == fault


def test_every_date_inside_the_bounds_survives_arithmetic_and_zones() -> None:
    # Why the bounds are safe: the extremes plus a day, minus a day, in any offset, in UTC.
    for day in (EARLIEST, LATEST):
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        for shift in (timedelta(days=1), -timedelta(days=1), timedelta(hours=14)):
            assert (moment + shift).astimezone(UTC).year in range(1899, 2201)
        assert day + (LATEST - EARLIEST) <= date.max


def test_day_in_range_reads_datetimes_by_their_local_date() -> None:
    assert day_in_range(date(2026, 1, 1))
    assert not day_in_range(date(9999, 12, 31))
    assert day_in_range(datetime(2199, 12, 31, 23, 0, tzinfo=UTC))
    assert not day_in_range(datetime(2200, 1, 1, tzinfo=UTC))
