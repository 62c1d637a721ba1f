"""`gaps` (each part less the holes, in one pass) agrees with taking the holes out of every
minute of every part, for any holes and any parts by start that do not overlap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from servicekit.intervals import Interval, gaps, merge, subtract

BASE = datetime(2026, 12, 7, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def minutes(intervals: list[Interval]) -> set[int]:
    return {
        m
        for start, end in intervals
        for m in range((start - BASE) // MINUTE, (end - BASE) // MINUTE)
    }


def span(start: int, length: int) -> Interval:
    return BASE + start * MINUTE, BASE + (start + length) * MINUTE


spans = st.lists(st.builds(span, st.integers(0, 300), st.integers(0, 40)), max_size=12)


@given(spans, spans)
def test_gaps_leave_each_part_less_the_holes(parts: list[Interval], holes: list[Interval]) -> None:
    ordered = merge(parts)  # by start, not overlapping

    left = list(gaps(ordered, holes))

    assert minutes(left) == minutes(ordered) - minutes(holes)
    assert left == sorted(left)
    assert all(start < end for start, end in left)
    assert left == [piece for part in ordered for piece in subtract(part, holes)]


def test_a_hole_across_two_parts_cuts_both() -> None:
    parts = [span(0, 60), span(90, 60)]

    assert list(gaps(parts, [span(30, 90)])) == [span(0, 30), span(120, 30)]
