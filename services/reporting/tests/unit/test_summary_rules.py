"""The summary's pure rules: buckets of local days, the range a report may span, totals."""

from __future__ import annotations

from datetime import date

from reporting.summary.rules import Bucket, bucket_start, buckets, range_problem, total


def test_a_week_starts_on_monday() -> None:
    assert bucket_start(date(2026, 3, 1), "week") == date(2026, 2, 23)


def test_buckets_are_clipped_to_the_range() -> None:
    assert buckets("month", date(2026, 2, 15), date(2026, 3, 3)) == [
        Bucket(date(2026, 2, 1), "2026-02", date(2026, 2, 15), date(2026, 2, 28)),
        Bucket(date(2026, 3, 1), "2026-03", date(2026, 3, 1), date(2026, 3, 3)),
    ]


def test_iso_weeks_are_labelled_by_their_iso_year() -> None:
    [bucket] = buckets("week", date(2026, 12, 28), date(2026, 12, 31))
    assert bucket.label == "2026-W53"


def test_two_years_is_the_longest_range() -> None:
    assert range_problem(date(2024, 1, 1), date(2025, 12, 31)) is None
    assert range_problem(date(2024, 1, 1), date(2026, 1, 1)) is not None


def test_a_range_may_not_end_before_it_starts() -> None:
    assert range_problem(date(2026, 3, 1), date(2026, 2, 28)) == "`to` must not be before `from`."


def test_totals_sum_each_counter_by_name() -> None:
    assert total([{"booked": 2, "cancelled": 1}, {"booked": 3}, {}]) == {
        "booked": 5,
        "cancelled": 1,
    }
