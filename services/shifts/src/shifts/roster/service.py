"""Shift use cases: one-off shifts, edits and cancellations, and how a shift is shown."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from servicekit.auth import Principal
from servicekit.localtime import local_day, zone
from servicekit.problems import Conflict, NotFound, Problem
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.access import require_admin, require_staff
from shifts.db import outbox
from shifts.projection import repository as projection
from shifts.roster import events, repository
from shifts.roster.models import CANCELLED, SCHEDULED, Shift
from shifts.roster.schemas import (
    ShiftCancel,
    ShiftCreate,
    ShiftRead,
    ShiftUpdate,
    check_breaks,
)
from shifts.schemas import Span

Range = tuple[datetime, datetime]


class NotQualified(Problem):
    status, slug = 422, "staff-not-qualified"


def to_read(shift: Shift, time_zone: str, names: dict[UUID, str]) -> ShiftRead:
    """A shift as the API shows it, in its clinic's zone."""
    tz = zone(time_zone)
    breaks = events.breaks_of(shift)
    paused = sum(((e - s) for s, e in breaks), timedelta())
    return ShiftRead(
        id=shift.id,
        clinic_id=shift.clinic_id,
        staff_id=shift.staff_id,
        staff_name=names.get(shift.staff_id),
        role=shift.role,
        local_date=shift.local_date,
        starts_at=shift.starts_at.astimezone(tz),
        ends_at=shift.ends_at.astimezone(tz),
        breaks=[Span(starts_at=s.astimezone(tz), ends_at=e.astimezone(tz)) for s, e in breaks],
        worked_hours=round((shift.ends_at - shift.starts_at - paused).total_seconds() / 3600, 2),
        status=shift.status,
        template_id=shift.template_id,
        modified=shift.modified,
        cancel_reason=shift.cancel_reason,
        note=shift.note,
        updated_at=shift.updated_at,
    )


async def reads(session: AsyncSession, shifts: Sequence[Shift]) -> list[ShiftRead]:
    """Shifts as the API shows them, names and zones looked up once."""
    zones = await projection.zones_of(session, {s.clinic_id for s in shifts})
    names = await projection.names_of(session, {s.staff_id for s in shifts})
    return [to_read(s, zones.get(s.clinic_id, "UTC"), names) for s in shifts]


async def overlap_problem(
    session: AsyncSession,
    staff_id: UUID,
    ranges: Iterable[tuple[datetime, datetime]],
    *,
    ignore: UUID | None = None,
) -> Conflict:
    """409 naming the shift the staff member already holds at that time."""
    # The refused change is still pending in the session; it must not be flushed again.
    with session.no_autoflush:
        clash = await repository.find_clash(session, staff_id, ranges, ignore=ignore)
        if clash is None:  # the clashing shift went away between the write and this read
            return Conflict("The staff member already works then.", slug="shift-overlap")
        [shown] = await reads(session, [clash])
    return Conflict(
        f"The staff member already works from {shown.starts_at:%Y-%m-%d %H:%M} to "
        f"{shown.ends_at:%Y-%m-%d %H:%M} ({shown.ends_at:%z}) at clinic {clash.clinic_id}.",
        slug="shift-overlap",
        clashing_shift=shown.model_dump(mode="json"),
    )


async def require_qualified(
    session: AsyncSession, staff_id: UUID, clinic_id: UUID, role: str
) -> None:
    if not await projection.holds_role(session, staff_id, clinic_id, role):
        raise NotQualified(
            f"Staff member {staff_id} does not hold the {role} role at clinic {clinic_id}."
        )


async def create_shift(session: AsyncSession, *, caller: Principal, data: ShiftCreate) -> ShiftRead:
    """Add a one-off shift (clinic admins); 409 when it overlaps another of theirs."""
    require_admin(caller, data.clinic_id)
    clinic = await projection.get_clinic(session, data.clinic_id)
    await require_qualified(session, data.staff_id, data.clinic_id, data.role)
    shift = Shift(
        id=uuid.uuid4(),
        clinic_id=data.clinic_id,
        staff_id=data.staff_id,
        role=data.role,
        local_date=local_day(data.starts_at, zone(clinic.time_zone)),
        starts_at=data.starts_at.astimezone(UTC),
        ends_at=data.ends_at.astimezone(UTC),
        breaks=events.stored_breaks([(b.starts_at, b.ends_at) for b in data.breaks]),
        note=data.note,
        updated_by=caller.user_id,
    )
    await save_shift(
        session,
        lambda: session.add(shift),
        staff_id=shift.staff_id,
        span=(shift.starts_at, shift.ends_at),
        shift_id=shift.id,
    )
    await session.refresh(shift)
    await outbox.stage(session, events.scheduled(shift, clinic.time_zone, caller.user_id))
    return (await reads(session, [shift]))[0]


async def save_shift(
    session: AsyncSession,
    change: Callable[[], object],
    *,
    staff_id: UUID,
    span: Range,
    shift_id: UUID,
) -> None:
    """Apply `change`; 409 with the clashing shift when the staff member is busy during `span`."""
    try:
        await repository.save(session, change)
    except repository.Overlap:
        raise await overlap_problem(session, staff_id, [span], ignore=shift_id) from None


async def _visible(session: AsyncSession, caller: Principal, shift_id: UUID) -> Shift:
    shift = await repository.get(session, shift_id)
    if shift is None:
        raise NotFound(f"No shift has id {shift_id}.")
    require_staff(caller, shift.clinic_id)
    return shift


async def changeable_shift(session: AsyncSession, caller: Principal, shift_id: UUID) -> Shift:
    shift = await _visible(session, caller, shift_id)
    require_admin(caller, shift.clinic_id)
    await repository.lock(session, shift)
    if shift.status != SCHEDULED:
        raise Conflict("The shift is cancelled.", slug="shift-cancelled")
    if shift.ends_at <= datetime.now(UTC):
        raise Conflict("The shift is over; past shifts are kept as worked.", slug="shift-over")
    return shift


async def get_shift(session: AsyncSession, *, caller: Principal, shift_id: UUID) -> ShiftRead:
    """One shift (staff of its clinic)."""
    return (await reads(session, [await _visible(session, caller, shift_id)]))[0]


async def update_shift(
    session: AsyncSession, *, caller: Principal, shift_id: UUID, data: ShiftUpdate
) -> ShiftRead:
    """Change one shift's times, breaks or note (clinic admins); the template stays."""
    shift = await changeable_shift(session, caller, shift_id)
    previous = (shift.starts_at, shift.ends_at)
    old_breaks = events.breaks_of(shift)
    starts_at = (data.starts_at or shift.starts_at).astimezone(UTC)
    ends_at = (data.ends_at or shift.ends_at).astimezone(UTC)
    breaks = old_breaks if data.breaks is None else [(b.starts_at, b.ends_at) for b in data.breaks]
    try:
        check_breaks(starts_at, ends_at, breaks)
    except ValueError as exc:
        raise Problem(str(exc), status=422, slug="invalid-shift") from None
    timing_changed = (starts_at, ends_at) != previous or breaks != old_breaks
    clinic = await projection.get_clinic(session, shift.clinic_id)

    def change() -> None:
        if "note" in data.model_fields_set:
            shift.note = data.note
        if timing_changed:
            shift.starts_at, shift.ends_at = starts_at, ends_at
            shift.breaks = events.stored_breaks(breaks)
            shift.local_date = local_day(starts_at, zone(clinic.time_zone))
            shift.modified = True
        shift.updated_by, shift.updated_at = caller.user_id, datetime.now(UTC)

    await save_shift(
        session, change, staff_id=shift.staff_id, span=(starts_at, ends_at), shift_id=shift.id
    )
    if timing_changed:
        await outbox.stage(
            session, events.changed(shift, clinic.time_zone, caller.user_id, previous)
        )
    return (await reads(session, [shift]))[0]


async def cancel_shift(
    session: AsyncSession, *, caller: Principal, shift_id: UUID, data: ShiftCancel
) -> ShiftRead:
    """Take one shift off the roster (clinic admins); its template keeps the other days."""
    shift = await changeable_shift(session, caller, shift_id)
    await cancel_all(session, [shift], reason="cancelled", actor=caller.user_id, note=data.note)
    return (await reads(session, [shift]))[0]


async def cancel_all(
    session: AsyncSession,
    shifts: Sequence[Shift],
    *,
    reason: str,
    actor: UUID | None,
    note: str | None = None,
) -> None:
    """Cancel shifts, keeping their rows so templates do not bring them back."""
    now = datetime.now(UTC)
    for shift in shifts:
        shift.status, shift.cancel_reason, shift.updated_by, shift.updated_at = (
            CANCELLED,
            reason,
            actor,
            now,
        )
        if note is not None:
            shift.note = note
    await session.flush()
    await outbox.stage_many(session, [events.cancelled(s, actor, reason, note) for s in shifts])
