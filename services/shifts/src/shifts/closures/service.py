"""Closure use cases: closing days cancels the shifts on them; reopening brings them back."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from servicekit.auth import Principal
from servicekit.localtime import days_bounds, local_day, zone
from servicekit.pagination import Page
from servicekit.problems import Conflict, NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.access import require_admin, require_staff
from shifts.closures import repository
from shifts.closures.models import Closure
from shifts.closures.schemas import ClosureCreate, ClosureCreated, ClosureRead
from shifts.projection import repository as projection
from shifts.roster import repository as roster
from shifts.roster.service import cancel_all
from shifts.templates import repository as templates
from shifts.templates.generation import horizon_end, sync_template

# scheduled_between takes shifts starting strictly after its bound; PostgreSQL keeps whole
# microseconds, so one microsecond earlier also takes a shift starting at midnight.
_TICK = timedelta(microseconds=1)


async def _overlap(session: AsyncSession, clinic_id: UUID, data: ClosureCreate) -> Conflict:
    clash = await repository.first_overlapping(session, clinic_id, data.first_day, data.last_day)
    if clash is None:  # the other closure went away between the insert and this read
        return Conflict("The clinic already has a closure on those days.", slug="closure-overlap")
    return Conflict(
        f"The clinic is already closed from {clash.first_day} to {clash.last_day} ({clash.name}).",
        slug="closure-overlap",
        clashing_closure=ClosureRead.model_validate(clash).model_dump(mode="json"),
    )


async def create_closure(
    session: AsyncSession, *, caller: Principal, clinic_id: UUID, data: ClosureCreate
) -> ClosureCreated:
    """Close a clinic on whole local days and cancel the shifts starting then (clinic admins)."""
    require_admin(caller, clinic_id)
    clinic = await projection.get_clinic(session, clinic_id, lock=True)
    closure = Closure(
        id=uuid.uuid4(), clinic_id=clinic_id, created_by=caller.user_id, **data.model_dump()
    )
    try:
        await repository.add(session, closure)
    except repository.Overlap:
        raise await _overlap(session, clinic_id, data) from None
    # A template resync running now holds its template: waiting for it means its shifts are
    # seen below, and the horizon job skips these templates until this commits.
    await templates.of_clinic(session, clinic_id)
    start, end = days_bounds(data.first_day, data.last_day, zone(clinic.time_zone))
    # Shifts that have started are kept as worked, as everywhere else.
    after = max(start - _TICK, datetime.now(UTC))
    shifts = await roster.scheduled_between(
        session, clinic_id=clinic_id, starts_after=after, starts_before=end
    )
    await cancel_all(session, shifts, reason=repository.CLOSED_REASON, actor=caller.user_id)
    read = ClosureRead.model_validate(closure)
    return ClosureCreated(**read.model_dump(), cancelled_shifts=len(shifts))


async def list_closures(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID,
    first: date | None,
    last: date | None,
    cursor: str | None,
    limit: int,
) -> Page[ClosureRead]:
    """A clinic's closures overlapping [first, last], earliest first (staff of the clinic)."""
    require_staff(caller, clinic_id)
    await projection.get_clinic(session, clinic_id)
    page = await repository.list_closures(
        session, clinic_id=clinic_id, first=first, last=last, cursor=cursor, limit=limit
    )
    return Page[ClosureRead](
        items=[ClosureRead.model_validate(c) for c in page.items], next_cursor=page.next_cursor
    )


async def delete_closure(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID,
    closure_id: UUID,
    horizon_weeks: int,
) -> None:
    """Reopen a clinic's closed days; templates schedule their shifts again (clinic admins)."""
    require_admin(caller, clinic_id)
    closure = await repository.get(session, closure_id, for_update=True)
    if closure is None or closure.clinic_id != clinic_id:
        raise NotFound(f"Clinic {clinic_id} has no closure with id {closure_id}.")
    clinic = await projection.get_clinic(session, clinic_id, lock=True)
    await repository.remove(session, closure)
    clinic_templates = await templates.of_clinic(session, clinic_id)
    now = datetime.now(UTC)
    # Days already begun keep what happened on them; only the rest of the closure reopens.
    from_day = max(closure.first_day, local_day(now, zone(clinic.time_zone)))
    if from_day > closure.last_day:
        return
    await repository.forget_closed_occurrences(
        session, clinic_id, from_day, closure.last_day, after=now
    )
    horizon = horizon_end(now, clinic.time_zone, horizon_weeks)
    for template in clinic_templates:
        # Until where it was generated: a shorter span would remove its later shifts.
        await sync_template(
            session,
            template,
            clinic.time_zone,
            now=now,
            until=template.generated_until or horizon,
            actor=caller.user_id,
            from_day=from_day,
            strict=False,
        )
