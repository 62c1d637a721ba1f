"""Pure rules of the summary: buckets of local days, the range a report may span, totals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from reporting.analytics.rules import Counters

Period = Literal["day", "week", "month"]
MAX_DAYS = 731
"""Longest range one report may cover: two years (one of them a leap year)."""


@dataclass(frozen=True)
class Bucket:
    """One row of a report: a day, an ISO week (Monday first) or a month, clipped to the range."""

    start: date
    label: str
    first_day: date
    last_day: date


def bucket_start(day: date, period: Period) -> date:
    """The first day of the bucket holding `day` (what PostgreSQL's date_trunc gives)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def buckets(period: Period, first: date, last: date) -> list[Bucket]:
    """Every bucket from `first` to `last`, both included, in order."""
    result = []
    start = bucket_start(first, period)
    while start <= last:
        following = _next_start(start, period)
        result.append(
            Bucket(
                start, _label(start, period), max(start, first), min(following - timedelta(1), last)
            )
        )
        start = following
    return result


def _next_start(start: date, period: Period) -> date:
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def _label(start: date, period: Period) -> str:
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return start.strftime("%Y-%m")
    return start.isoformat()


def range_problem(first: date, last: date) -> str | None:
    """Why a report range is refused, or None when it is fine."""
    if last < first:
        return "`to` must not be before `from`."
    if (last - first).days + 1 > MAX_DAYS:
        return f"A report covers at most {MAX_DAYS} days; ask for a shorter range."
    return None


def total(parts: Iterable[Mapping[str, int]]) -> Counters:
    """Counters summed name by name."""
    sums: Counters = defaultdict(int)
    for part in parts:
        for name, value in part.items():
            sums[name] += value
    return dict(sums)
