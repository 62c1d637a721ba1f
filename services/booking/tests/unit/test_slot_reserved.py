"""Reserved front desk time in slot search: left out, offered alone, or offered with the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.slots.rules import Reserved, Visit, clear_of, covered, free_starts, held, offered_time
from hypothesis import given
from hypothesis import strategies as st
from servicekit.intervals import Interval, merge
from servicekit.localtime import zone

DAY = datetime(2027, 3, 1, tzinfo=UTC)
UTC_ZONE = zone("UTC")
WINDOW = (DAY, DAY + timedelta(days=1))


def at(minute: int) -> datetime:
    return DAY + timedelta(minutes=minute)


def spans(max_size: int) -> st.SearchStrategy[list[Interval]]:
    """Intervals of whole 5-minute units within the day."""
    span = st.tuples(st.integers(0, 280), st.integers(1, 36)).map(
        lambda s: (at(s[0] * 5), at((s[0] + s[1]) * 5))
    )
    return st.lists(span, max_size=max_size)


visits = st.builds(
    Visit,
    duration=st.sampled_from([timedelta(minutes=m) for m in (10, 15, 30)]),
    buffer_before=st.sampled_from([timedelta(), timedelta(minutes=5)]),
    buffer_after=st.sampled_from([timedelta(), timedelta(minutes=10)]),
    step=st.sampled_from([timedelta(minutes=m) for m in (5, 15)]),
)


def starts(
    open_parts: list[Interval],
    reserved: list[Interval],
    busy: list[Interval],
    visit: Visit,
    mode: Reserved,
) -> list[datetime]:
    parts = offered_time(merge(open_parts), reserved, mode)
    return list(free_starts(parts, busy, visit, WINDOW, UTC_ZONE))


@given(spans(4), spans(3), spans(4), visits)
def test_reserved_time_splits_the_free_starts_soundly_and_completely(
    open_parts: list[Interval], reserved: list[Interval], busy: list[Interval], visit: Visit
) -> None:
    every = starts(open_parts, reserved, busy, visit, Reserved.INCLUDE)
    outside = starts(open_parts, reserved, busy, visit, Reserved.EXCLUDE)
    inside = starts(open_parts, reserved, busy, visit, Reserved.ONLY)
    assert outside == sorted(outside)
    assert inside == sorted(inside)
    assert set(outside) | set(inside) <= set(every)
    assert not set(outside) & set(inside)
    whole = merge(reserved)
    for start in every:
        blocked = visit.blocked(start)
        assert (start in outside) == clear_of(whole, blocked)
        assert (start in inside) == covered(whole, blocked)


def test_released_allotments_are_ordinary_time_again() -> None:
    now = at(600)
    allotments = [
        (at(700), at(760), at(640)),  # releases later: held
        (at(620), at(680), at(500)),  # released already
        (at(760), at(800), now),  # releases this instant: released
    ]
    assert held(allotments, now) == [(at(700), at(760))]
    parts = offered_time([(at(480), at(1020))], held(allotments, now), Reserved.EXCLUDE)
    assert parts == [(at(480), at(700)), (at(760), at(1020))]
    assert offered_time([(at(480), at(1020))], held(allotments, now), Reserved.ONLY) == [
        (at(700), at(760))
    ]
