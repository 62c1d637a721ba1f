"""Coverage use cases: minimum staffing per role and weekday, and how the roster meets it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from clinic_contracts.identity import WEEKDAYS
from servicekit.auth import Principal
from servicekit.intervals import Interval
from servicekit.localtime import days_bounds, local_day, zone
from servicekit.problems import Problem
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.access import require_admin, require_staff
from shifts.closures.repository import closed_days
from shifts.coverage import repository, rules
from shifts.coverage.models import CoverageMinimum
from shifts.coverage.schemas import (
    Coverage,
    DayCoverage,
    Minimum,
    Minimums,
    MinimumsRead,
    RoleCoverage,
    ShortDay,
)
from shifts.leave import repository as leave_repository
from shifts.projection import repository as projection
from shifts.roster import events
from shifts.schemas import ShiftRole

MAX_DAYS = 93
ROLES: tuple[ShiftRole, ...] = ("provider", "receptionist", "clinic_admin")


def _read(clinic_id: UUID, rows: list[CoverageMinimum]) -> MinimumsRead:
    minimums = [
        Minimum.model_validate({"role": r.role, "day": WEEKDAYS[r.weekday], "hours": r.hours})
        for r in rows
    ]
    return MinimumsRead(clinic_id=clinic_id, minimums=minimums)


async def get_minimums(
    session: AsyncSession, *, caller: Principal, clinic_id: UUID
) -> MinimumsRead:
    """A clinic's minimum staffing (staff of the clinic)."""
    require_staff(caller, clinic_id)
    await projection.get_clinic(session, clinic_id)
    return _read(clinic_id, await repository.minimums_of(session, clinic_id))


async def replace_minimums(
    session: AsyncSession, *, caller: Principal, clinic_id: UUID, data: Minimums
) -> MinimumsRead:
    """Replace a clinic's minimum staffing wholesale (clinic admins)."""
    require_admin(caller, clinic_id)
    await projection.get_clinic(session, clinic_id)
    rows = [
        {"role": m.role, "weekday": WEEKDAYS.index(m.day), "hours": m.hours} for m in data.minimums
    ]
    await repository.replace_minimums(session, clinic_id, rows)
    return _read(clinic_id, await repository.minimums_of(session, clinic_id))


def _days(today: date, first: date | None, last: date | None) -> tuple[date, date]:
    first = first or today
    last = last or first + timedelta(days=6)
    if not timedelta() <= last - first < timedelta(days=MAX_DAYS):
        raise Problem(
            f"`to` must not be before `from`, and at most {MAX_DAYS} days may be asked for.",
            slug="bad-range",
        )
    return first, last


async def coverage(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID,
    first: date | None,
    last: date | None,
) -> Coverage:
    """Staffed hours per local day and role against the minimums (staff of the clinic)."""
    require_staff(caller, clinic_id)
    clinic = await projection.get_clinic(session, clinic_id)
    tz = zone(clinic.time_zone)
    first, last = _days(local_day(datetime.now(UTC), tz), first, last)
    windows = rules.day_windows(first, last, tz)
    staffed = rules.staffed_by_day(
        await _worked(session, clinic_id, *days_bounds(first, last, tz)), windows
    )
    minimums = {
        (m.role, m.weekday): m.hours for m in await repository.minimums_of(session, clinic_id)
    }
    closed = await closed_days(session, clinic_id, first, last)
    days: list[DayCoverage] = []
    short_days: list[ShortDay] = []
    total = Decimal(0)
    for day in windows:
        shown, gap = _day(day, staffed, minimums, closed=day in closed)
        days.append(shown)
        if gap:
            short = [r.role for r in shown.roles if r.short]
            short_days.append(ShortDay(date=day, gap_hours=float(gap), roles=short))
            total += gap
    return Coverage(
        clinic_id=clinic_id,
        time_zone=clinic.time_zone,
        first_day=first,
        last_day=last,
        days=days,
        short_days=short_days,
        total_gap_hours=float(total),
    )


async def _worked(
    session: AsyncSession, clinic_id: UUID, start: datetime, end: datetime
) -> list[rules.WorkedShift]:
    """The clinic's scheduled shifts in [start, end), with their breaks and approved leave."""
    shifts = await repository.scheduled_overlapping(session, clinic_id, start, end)
    away: dict[UUID, list[Interval]] = {}
    if shifts:
        staff = {s.staff_id for s in shifts}
        for staff_id, s, e in await leave_repository.approved_during(session, staff, start, end):
            away.setdefault(staff_id, []).append((s, e))
    return [
        rules.WorkedShift(
            role=s.role,
            span=(s.starts_at, s.ends_at),
            breaks=events.breaks_of(s),
            leave=away.get(s.staff_id, []),
        )
        for s in shifts
    ]


def _day(
    day: date,
    staffed: dict[tuple[date, str], timedelta],
    minimums: dict[tuple[str, int], Decimal],
    *,
    closed: bool,
) -> tuple[DayCoverage, Decimal]:
    roles = []
    total = Decimal(0)
    for role in ROLES:
        hours = rules.hours(staffed.get((day, role), timedelta()))
        # A closed clinic needs nobody: its weekly minimums do not apply that day.
        minimum = Decimal(0) if closed else minimums.get((role, day.weekday()), Decimal(0))
        gap = rules.gap(minimum, hours)
        total += gap
        roles.append(
            RoleCoverage(
                role=role,
                staffed_hours=float(hours),
                minimum_hours=float(minimum),
                gap_hours=float(gap),
                short=gap > 0,
            )
        )
    shown = DayCoverage(
        date=day,
        day=WEEKDAYS[day.weekday()],
        closed=closed,
        short=any(r.short for r in roles),
        roles=roles,
    )
    return shown, total
