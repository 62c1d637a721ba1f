"""Half-open (start, end) intervals of aware instants: clipping, merging, subtracting."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

Interval = tuple[datetime, datetime]


def clip(interval: Interval, window: Interval) -> Interval | None:
    """The part of `interval` inside `window`, or None when they do not overlap."""
    start, end = max(interval[0], window[0]), min(interval[1], window[1])
    return (start, end) if start < end else None


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined, empty ones dropped, by start."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract(interval: Interval, holes: Iterable[Interval]) -> list[Interval]:
    """What is left of `interval` once every hole is taken out, by start."""
    return list(gaps([interval], holes))


def gaps(parts: Iterable[Interval], holes: Iterable[Interval]) -> Iterator[Interval]:
    """What is left of each part once every hole is taken out, by start, worked out as taken.

    `parts` come by start and do not overlap (as `merge` leaves them): the holes are merged
    once and passed over once, not once for every part.
    """
    taken = merge(holes)
    first = 0
    for cursor, end in parts:
        while first < len(taken) and taken[first][1] <= cursor:
            first += 1
        index = first
        while index < len(taken) and taken[index][0] < end:
            hole_start, hole_end = taken[index]
            if hole_start > cursor:
                yield cursor, hole_start
            cursor = max(cursor, hole_end)
            index += 1
        if cursor < end:
            yield cursor, end


def length(intervals: Iterable[Interval]) -> timedelta:
    """The total length of intervals that do not overlap."""
    return sum((end - start for start, end in intervals), timedelta())
