"""Report routes: the summary as JSON, and the same figures as a CSV download."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from servicekit.auth import CurrentUser
from servicekit.problems import Problem
from servicekit.runtime import SessionDep

from reporting.access import require_report_reader
from reporting.summary.rules import Period, range_problem
from reporting.summary.schemas import Summary, SummaryFilter, summary_csv
from reporting.summary.service import summarise

router = APIRouter(prefix="/v1/reports", tags=["reports"])


async def summary_filter(
    caller: CurrentUser,
    from_: Annotated[date, Query(alias="from", description="First local day, included.")],
    to: Annotated[date, Query(description="Last local day, included.")],
    period: Annotated[Period, Query(description="Bucket: day, ISO week or month.")] = "day",
    clinic: Annotated[UUID | None, Query(description="Required unless org admin.")] = None,
    provider: UUID | None = None,
    type_: Annotated[UUID | None, Query(alias="type", description="Appointment type.")] = None,
) -> SummaryFilter:
    """The report's filter from the query, once the caller may see it and the range is sane."""
    require_report_reader(caller, clinic)
    if problem := range_problem(from_, to):
        raise Problem(problem, status=422, slug="invalid-range")
    return SummaryFilter(period, from_, to, clinic, provider, type_)


Filter = Annotated[SummaryFilter, Depends(summary_filter)]


@router.get("/summary", response_model=Summary, response_model_by_alias=True)
async def get_summary(session: SessionDep, wanted: Filter) -> Summary:
    """Booked, cancelled, rescheduled, completed, no-shows, utilisation, lead time, reminders.

    One row per day, ISO week (Monday to Sunday) or month of the clinic's local days from
    `from` to `to` (at most two years), plus the totals. Clinic admins see their clinics;
    organisation admins any clinic, or the whole network when `clinic` is left out.
    """
    return await summarise(session, wanted=wanted)


@router.get(
    "/summary.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The summary as CSV."}},
)
async def get_summary_csv(session: SessionDep, wanted: Filter) -> Response:
    """The same figures as /v1/reports/summary, as CSV: a header, the buckets, the totals."""
    summary = await summarise(session, wanted=wanted)
    name = f"summary-{wanted.period}-{wanted.first_day}-{wanted.last_day}.csv"
    return Response(
        summary_csv(summary),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
