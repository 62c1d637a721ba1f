"""The summary's SQL: rollups summed per bucket of local days, in the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, DateTime, cast, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics.models import (
    CONFLICT_COUNTERS,
    ROLLUP_COUNTERS,
    DailyConflicts,
    DailyRollup,
    DailyShiftMinutes,
)
from reporting.analytics.rules import Counters
from reporting.summary.rules import Period
from reporting.summary.schemas import SummaryFilter

# date_trunc takes the unit as text; it is inlined so SELECT and GROUP BY are one expression.
_UNITS: dict[Period, Any] = {p: literal_column(f"'{p}'") for p in ("day", "week", "month")}


async def sums_by_bucket(session: AsyncSession, *, wanted: SummaryFilter) -> dict[date, Counters]:
    """Rollup counters, shift minutes and offline conflicts summed per bucket start (Monday
    for weeks)."""
    sums = await _grouped(session, DailyRollup, ROLLUP_COUNTERS, wanted)
    shifts = await _grouped(session, DailyShiftMinutes, ("minutes",), wanted)
    for start, minutes in shifts.items():
        sums.setdefault(start, {})["shift_minutes"] = minutes["minutes"]
    conflicts = await _grouped(session, DailyConflicts, CONFLICT_COUNTERS, wanted)
    for start, counters in conflicts.items():
        sums.setdefault(start, {}).update(counters)
    return sums


async def _grouped(
    session: AsyncSession,
    model: type[Any],
    names: tuple[str, ...],
    wanted: SummaryFilter,
) -> dict[date, Counters]:
    # `day` is a plain date: cast to timestamp (not timestamptz) so no session zone applies.
    bucket = cast(func.date_trunc(_UNITS[wanted.period], cast(model.day, DateTime)), Date)
    query = (
        select(bucket.label("bucket"), *(func.sum(model.__table__.c[n]).label(n) for n in names))
        .where(model.day.between(wanted.first_day, wanted.last_day))
        .group_by(bucket)
    )
    # A table without the filter's column is not narrowed by it: shift minutes have no type,
    # conflicts no provider.
    columns = model.__table__.c
    filters = {
        "clinic_id": wanted.clinic_id,
        "provider_id": wanted.provider_id,
        "type_id": wanted.type_id,
    }
    for name, value in filters.items():
        if name in columns and value is not None:
            query = query.where(columns[name] == value)
    rows = await session.execute(query)
    return {row.bucket: {n: int(getattr(row, n) or 0) for n in names} for row in rows}
