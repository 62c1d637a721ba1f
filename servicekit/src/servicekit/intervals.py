"""Half-open (start, end) intervals of aware instants: clipping, merging, subtracting."""

from __future__ import annotations

from collections.abc import Iterable
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
    left: list[Interval] = []
    cursor, end = interval
    for hole_start, hole_end in merge(holes):
        if hole_end <= cursor:
            continue
        if hole_start >= end:
            break
        if hole_start > cursor:
            left.append((cursor, hole_start))
        cursor = max(cursor, hole_end)
    if cursor < end:
        left.append((cursor, end))
    return left


def length(intervals: Iterable[Interval]) -> timedelta:
    """The total length of intervals that do not overlap."""
    return sum((end - start for start, end in intervals), timedelta())
