"""The summary use case: sum the rollups per bucket and turn the sums into figures."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from reporting.summary.repository import sums_by_bucket
from reporting.summary.rules import buckets, total
from reporting.summary.schemas import Summary, SummaryFilter, SummaryRow


async def summarise(session: AsyncSession, *, wanted: SummaryFilter) -> Summary:
    """The report for a filter: every bucket of the range, zeros included, and the totals."""
    sums = await sums_by_bucket(session, wanted=wanted)
    rows = [
        SummaryRow.of(b.label, b.first_day, b.last_day, sums.get(b.start, {}))
        for b in buckets(wanted.period, wanted.first_day, wanted.last_day)
    ]
    totals = SummaryRow.of("total", wanted.first_day, wanted.last_day, total(sums.values()))
    return Summary(
        clinic_id=wanted.clinic_id,
        provider_id=wanted.provider_id,
        type_id=wanted.type_id,
        period=wanted.period,
        from_=wanted.first_day,
        to=wanted.last_day,
        rows=rows,
        totals=totals,
    )
