"""Allotment use cases: clinic admins reserve a provider's time for the front desk.

Until `releases_at` (its start less a lead time) the time is the front desk's: slot search
leaves it out for patients and the public, and patients cannot book into it. From then on it
is ordinary free time. A device that pulled it may book into it offline with no conflict.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID

from servicekit.auth import Principal
from servicekit.intervals import Interval
from servicekit.localtime import local_day, zone
from servicekit.pagination import Page
from servicekit.problems import Conflict, Forbidden, NotFound, Problem
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_staff, require_admin
from booking.allotments import repository
from booking.allotments.models import Allotment
from booking.allotments.schemas import AllotmentCreate, AllotmentDetail, AllotmentRead
from booking.projection.repository import get_clinic, is_provider

MAX_LENGTH = timedelta(hours=12)
MAX_SPAN = timedelta(days=62)


async def in_window(
    session: AsyncSession, *, clinic_id: UUID, window: Interval
) -> list[AllotmentRead]:
    """The clinic's allotments overlapping `window`, by start (the sync pull sends them)."""
    rows = await repository.in_window(session, clinic_id=clinic_id, window=window)
    return [AllotmentRead.model_validate(row) for row in rows]


async def create_allotment(
    session: AsyncSession, *, caller: Principal, data: AllotmentCreate, release_minutes: int
) -> AllotmentDetail:
    """Reserve a provider's time (the clinic's admins); 409 when it overlaps another."""
    require_admin(caller, data.clinic_id)
    clinic = await get_clinic(session, data.clinic_id)
    _check_span(data.starts_at, data.ends_at, clinic.time_zone)
    await _check_provider(session, data.clinic_id, data.provider_id)
    lead = timedelta(
        minutes=release_minutes if data.release_minutes is None else data.release_minutes
    )
    row = Allotment(
        id=uuid.uuid4(),
        clinic_id=data.clinic_id,
        provider_id=data.provider_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        releases_at=data.starts_at - lead,
        created_by=caller.user_id,
    )
    try:
        await repository.add(session, allotment=row)
    except repository.Overlap:
        raise Conflict(
            "This provider already has reserved time overlapping that.",
            slug="allotment-overlap",
        ) from None
    return AllotmentDetail.model_validate(row)


async def list_allotments(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID,
    provider_id: UUID | None,
    start: datetime | None,
    end: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[AllotmentDetail]:
    """A clinic's allotments overlapping [start, end) (default: from now on), by start."""
    if not is_staff(caller, clinic_id):
        raise Forbidden("Only the clinic's staff see its reserved time.")
    start = start or datetime.now(UTC)
    end = end or start + MAX_SPAN
    if not timedelta() < end - start <= MAX_SPAN:
        raise Problem("`to` must be after `from`, at most 62 days later.", slug="bad-range")
    page = await repository.page_in_window(
        session,
        clinic_id=clinic_id,
        window=(start, end),
        provider_id=provider_id,
        cursor=cursor,
        limit=limit,
    )
    items = [AllotmentDetail.model_validate(row) for row in page.items]
    return Page[AllotmentDetail](items=items, next_cursor=page.next_cursor)


async def delete_allotment(session: AsyncSession, *, caller: Principal, allotment_id: UUID) -> None:
    """Give reserved time back to online booking at once (the clinic's admins)."""
    row = await repository.get(session, allotment_id=allotment_id, for_update=True)
    if row is None or not is_staff(caller, row.clinic_id):
        raise NotFound(f"No allotment has id {allotment_id}.")
    require_admin(caller, row.clinic_id)
    await repository.remove(session, allotment_id=allotment_id)


def _check_span(starts_at: datetime, ends_at: datetime, time_zone: str) -> None:
    if ends_at <= starts_at:
        raise _invalid("`ends_at` must be after `starts_at`.", "ends_at")
    if ends_at - starts_at > MAX_LENGTH:
        raise _invalid("An allotment lasts at most 12 hours.", "ends_at")
    tz = zone(time_zone)
    if local_day(starts_at, tz) != local_day(ends_at - timedelta(microseconds=1), tz):
        raise _invalid("An allotment lies within one day of the clinic.", "ends_at")
    if ends_at <= datetime.now(UTC):
        raise _invalid("An allotment cannot end in the past.", "ends_at")


async def _check_provider(session: AsyncSession, clinic_id: UUID, provider_id: UUID) -> None:
    if not await is_provider(session, clinic_id=clinic_id, staff_id=provider_id):
        raise _invalid(f"{provider_id} is not a provider of this clinic.", "provider_id")


def _invalid(detail: str, field: str) -> Problem:
    return Problem(
        detail,
        status=422,
        slug="validation-error",
        errors=[{"field": f"body.{field}", "message": detail, "code": "value_error"}],
    )
