"""Cover and swaps: a shift given to a qualified colleague, or two shifts exchanging staff."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from servicekit.auth import Principal
from servicekit.problems import Problem
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.db import outbox
from shifts.projection import repository as projection
from shifts.roster import events, repository
from shifts.roster.models import Shift
from shifts.roster.schemas import ShiftRead, ShiftReassign, ShiftSwap
from shifts.roster.service import (
    NotQualified,
    changeable_shift,
    overlap_problem,
    reads,
    require_qualified,
    save_shift,
)


async def reassign_shift(
    session: AsyncSession, *, caller: Principal, shift_id: UUID, data: ShiftReassign
) -> ShiftRead:
    """Give a shift to another qualified staff member (clinic admins): cover for absence."""
    shift = await changeable_shift(session, caller, shift_id)
    if data.staff_id == shift.staff_id:
        raise NotQualified("The shift already belongs to that staff member.", slug="same-staff")
    await require_qualified(session, data.staff_id, shift.clinic_id, shift.role)
    previous = shift.staff_id

    def change() -> None:
        shift.staff_id, shift.modified = data.staff_id, True
        shift.updated_by, shift.updated_at = caller.user_id, datetime.now(UTC)
        if data.note is not None:
            shift.note = data.note

    span = (shift.starts_at, shift.ends_at)
    await save_shift(session, change, staff_id=data.staff_id, span=span, shift_id=shift.id)
    await _publish(session, shift, caller.user_id, previous)
    return (await reads(session, [shift]))[0]


async def swap_shifts(
    session: AsyncSession, *, caller: Principal, shift_id: UUID, data: ShiftSwap
) -> list[ShiftRead]:
    """Exchange the staff of two shifts in one step (clinic admins of both clinics)."""
    if data.shift_id == shift_id:
        raise Problem("A shift cannot be swapped with itself.", status=422, slug="same-shift")
    # Locked in id order, so two swaps of the same pair cannot deadlock.
    first, second = [
        await changeable_shift(session, caller, i) for i in sorted((shift_id, data.shift_id))
    ]
    if first.staff_id == second.staff_id:
        raise NotQualified("Both shifts belong to the same staff member.", slug="same-staff")
    await require_qualified(session, second.staff_id, first.clinic_id, first.role)
    await require_qualified(session, first.staff_id, second.clinic_id, second.role)
    staff = (first.staff_id, second.staff_id)
    # What each person would take on, kept aside: a refused swap expires both rows.
    takes = [
        (second.staff_id, (first.starts_at, first.ends_at), second.id),
        (first.staff_id, (second.starts_at, second.ends_at), first.id),
    ]
    try:
        await repository.swap_staff(session, first, second, caller.user_id)
    except repository.Overlap:
        raise await _clash(session, takes) from None
    if data.note is not None:
        first.note = second.note = data.note
    await _publish(session, first, caller.user_id, staff[0])
    await _publish(session, second, caller.user_id, staff[1])
    shown = {s.id: s for s in await reads(session, [first, second])}
    return [shown[shift_id], shown[data.shift_id]]


async def _clash(
    session: AsyncSession, takes: list[tuple[UUID, tuple[datetime, datetime], UUID]]
) -> Problem:
    """409 for whichever of the two cannot take the other's shift."""
    for staff_id, span, own_shift in takes:
        problem = await overlap_problem(session, staff_id, [span], ignore=own_shift)
        if "clashing_shift" in problem.extensions:
            break
    return problem


async def _publish(session: AsyncSession, shift: Shift, actor: UUID, previous: UUID) -> None:
    clinic = await projection.get_clinic(session, shift.clinic_id)
    await outbox.stage(session, events.reassigned(shift, clinic.time_zone, actor, previous))
