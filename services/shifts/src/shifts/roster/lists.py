"""Reading the roster: shifts page by page, and a clinic's day or week by local day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from servicekit.auth import Principal
from servicekit.localtime import days_bounds, local_day, zone
from servicekit.pagination import Page
from servicekit.problems import Problem
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.access import require_staff, visible_clinics
from shifts.leave import repository as leave_repository
from shifts.projection import repository as projection
from shifts.roster import repository
from shifts.roster.schemas import Roster, RosterDay, RosterShift, ShiftRead
from shifts.roster.service import reads

MAX_LIST_SPAN = timedelta(days=366)


async def list_shifts(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID | None,
    staff_id: UUID | None,
    start: datetime | None,
    end: datetime | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> Page[ShiftRead]:
    """Shifts overlapping a window (default: the next 7 days), of the caller's clinics."""
    start = start or datetime.now(UTC)
    end = end or start + timedelta(days=7)
    if not timedelta() < end - start <= MAX_LIST_SPAN:
        raise Problem("`to` must be after `from`, at most 366 days later.", slug="bad-range")
    clinics = visible_clinics(caller)
    if clinic_id is not None:
        require_staff(caller, clinic_id)
        clinics = frozenset({clinic_id})
    page = await repository.list_shifts(
        session,
        clinic_ids=clinics,
        staff_id=staff_id,
        start=start,
        end=end,
        status=status,
        cursor=cursor,
        limit=limit,
    )
    return Page[ShiftRead](items=await reads(session, page.items), next_cursor=page.next_cursor)


async def roster(
    session: AsyncSession, *, caller: Principal, clinic_id: UUID, day: date | None, week: bool
) -> Roster:
    """A clinic's scheduled shifts for a local day, or the Monday-to-Sunday week holding it."""
    require_staff(caller, clinic_id)
    clinic = await projection.get_clinic(session, clinic_id)
    tz = zone(clinic.time_zone)
    day = day or local_day(datetime.now(UTC), tz)
    first = day - timedelta(days=day.weekday()) if week else day
    last = first + timedelta(days=6 if week else 0)
    start, end = days_bounds(first, last, tz)
    shifts = await repository.starting_between(session, clinic_id, start, end)
    # A shift starting on the last day may run up to 36 hours past its start.
    leave = await leave_repository.approved_during(
        session, {s.staff_id for s in shifts}, start, end + timedelta(days=2)
    )
    days = {
        first + timedelta(days=n): RosterDay(date=first + timedelta(days=n), shifts=[])
        for n in range((last - first).days + 1)
    }
    for shift in await reads(session, shifts):
        days[local_day(shift.starts_at, tz)].shifts.append(
            RosterShift(**shift.model_dump(), on_leave=_on_leave(shift, leave))
        )
    return Roster(
        clinic_id=clinic_id,
        time_zone=clinic.time_zone,
        first_day=first,
        last_day=last,
        days=list(days.values()),
    )


def _on_leave(shift: ShiftRead, leave: list[tuple[UUID, datetime, datetime]]) -> bool:
    """Whether approved leave of the shift's staff member covers any of it."""
    return any(
        staff == shift.staff_id and s < shift.ends_at and shift.starts_at < e
        for staff, s, e in leave
    )
