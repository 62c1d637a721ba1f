"""The summary's SQL: rollups summed per bucket of local days, in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Date, DateTime, cast, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics.figures import Counters
from reporting.analytics.models import ROLLUP_COUNTERS, DailyRollup, DailyShiftMinutes
from reporting.summary.periods import Period

# date_trunc takes the unit as text; it is inlined so SELECT and GROUP BY are one expression.
_UNITS: dict[Period, Any] = {p: literal_column(f"'{p}'") for p in ("day", "week", "month")}


@dataclass(frozen=True)
class SummaryFilter:
    """Which rollups a report sums: a clinic (or all), maybe one provider or type, local days."""

    period: Period
    first_day: date
    last_day: date
    clinic_id: UUID | None = None
    provider_id: UUID | None = None
    type_id: UUID | None = None


async def sums_by_bucket(session: AsyncSession, wanted: SummaryFilter) -> dict[date, Counters]:
    """Rollup counters and shift minutes summed per bucket start (Monday for weeks)."""
    sums = await _grouped(session, DailyRollup, ROLLUP_COUNTERS, wanted, by_type=True)
    shifts = await _grouped(session, DailyShiftMinutes, ("minutes",), wanted, by_type=False)
    for start, minutes in shifts.items():
        sums.setdefault(start, {})["shift_minutes"] = minutes["minutes"]
    return sums


async def _grouped(
    session: AsyncSession,
    model: type[Any],
    names: tuple[str, ...],
    wanted: SummaryFilter,
    *,
    by_type: bool,
) -> dict[date, Counters]:
    # `day` is a plain date: cast to timestamp (not timestamptz) so no session zone applies.
    bucket = cast(func.date_trunc(_UNITS[wanted.period], cast(model.day, DateTime)), Date)
    query = (
        select(bucket.label("bucket"), *(func.sum(model.__table__.c[n]).label(n) for n in names))
        .where(model.day.between(wanted.first_day, wanted.last_day))
        .group_by(bucket)
    )
    filters = [
        (model.clinic_id, wanted.clinic_id),
        (model.provider_id, wanted.provider_id),
        (model.type_id if by_type else None, wanted.type_id),
    ]
    for column, value in filters:
        if column is not None and value is not None:
            query = query.where(column == value)
    rows = await session.execute(query)
    return {row.bucket: {n: int(getattr(row, n) or 0) for n in names} for row in rows}
