"""Leave use cases: requests, decisions and cancellations, and who may see which leave."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, get_args
from uuid import UUID

from clinic_contracts.shifts import LeaveApproved, LeaveCancelled, ShiftRole
from servicekit.auth import CLINIC_ADMIN, Principal
from servicekit.localtime import days_bounds, zone
from servicekit.pagination import Page
from servicekit.problems import Conflict, Forbidden, NotFound, Problem
from servicekit.scopes import require_clinic_in_scope
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.access import require_admin, require_staff
from shifts.db import outbox
from shifts.leave import repository
from shifts.leave.models import APPROVED, CANCELLED, REJECTED, REQUESTED, Leave
from shifts.leave.schemas import AffectedShift, LeaveCreate, LeaveDecision, LeaveRead
from shifts.projection import repository as projection
from shifts.roster.service import NotQualified


class InvalidTransition(Conflict):
    slug = "invalid-transition"


def _to_read(leave: Leave, time_zone: str, names: dict[UUID, str]) -> LeaveRead:
    tz = zone(time_zone)
    return LeaveRead(
        id=leave.id,
        clinic_id=leave.clinic_id,
        staff_id=leave.staff_id,
        staff_name=names.get(leave.staff_id),
        kind=leave.kind,
        starts_at=leave.starts_at.astimezone(tz),
        ends_at=leave.ends_at.astimezone(tz),
        status=leave.status,
        reason=leave.reason,
        requested_by=leave.requested_by,
        decided_by=leave.decided_by,
        decided_at=leave.decided_at,
        decision_note=leave.decision_note,
        cancelled_by=leave.cancelled_by,
        cancelled_at=leave.cancelled_at,
        cancel_note=leave.cancel_note,
        created_at=leave.created_at,
        updated_at=leave.updated_at,
    )


async def _reads(session: AsyncSession, leaves: Sequence[Leave]) -> list[LeaveRead]:
    zones = await projection.zones_of(session, {leave.clinic_id for leave in leaves})
    names = await projection.names_of(session, {leave.staff_id for leave in leaves})
    return [_to_read(leave, zones.get(leave.clinic_id, "UTC"), names) for leave in leaves]


async def _read_one(session: AsyncSession, leave: Leave) -> LeaveRead:
    [shown] = await _reads(session, [leave])
    shifts = await repository.shifts_during(session, leave.staff_id, leave.starts_at, leave.ends_at)
    zones = await projection.zones_of(session, {s.clinic_id for s in shifts})
    shown.affected_shifts = [
        AffectedShift(
            id=s.id,
            clinic_id=s.clinic_id,
            starts_at=s.starts_at.astimezone(zone(zones.get(s.clinic_id, "UTC"))),
            ends_at=s.ends_at.astimezone(zone(zones.get(s.clinic_id, "UTC"))),
        )
        for s in shifts
    ]
    return shown


async def _works_at(
    session: AsyncSession, caller: Principal, staff_id: UUID, clinic_id: UUID
) -> None:
    # An org admin passes require_staff anywhere, so only a token role at the clinic will do.
    if staff_id == caller.user_id and clinic_id in caller.clinics():
        return
    for role in get_args(ShiftRole):
        if await projection.holds_role(session, staff_id, clinic_id, role):
            return
    raise NotQualified(f"Staff member {staff_id} holds no role at clinic {clinic_id}.")


def _instants(data: LeaveCreate, time_zone: str) -> tuple[datetime, datetime]:
    if data.first_day is not None and data.last_day is not None:
        return days_bounds(data.first_day, data.last_day, zone(time_zone))
    assert data.starts_at is not None  # the schema allows one form or the other
    assert data.ends_at is not None
    return data.starts_at.astimezone(UTC), data.ends_at.astimezone(UTC)


async def _overlap(
    session: AsyncSession, staff_id: UUID, starts_at: datetime, ends_at: datetime
) -> Conflict:
    """409 naming the leave of the staff member that is already open or approved then."""
    with session.no_autoflush:
        clash = await repository.find_clash(session, staff_id, starts_at, ends_at)
        if clash is None:  # the clashing leave went away between the write and this read
            return Conflict("The staff member already has leave then.", slug="leave-overlap")
        [shown] = await _reads(session, [clash])
    return Conflict(
        f"The staff member already has {clash.status} leave from "
        f"{shown.starts_at:%Y-%m-%d %H:%M} to {shown.ends_at:%Y-%m-%d %H:%M} "
        f"({shown.ends_at:%z}) at clinic {clash.clinic_id}.",
        slug="leave-overlap",
        clashing_leave=shown.model_dump(mode="json"),
    )


async def request_leave(
    session: AsyncSession, *, caller: Principal, data: LeaveCreate
) -> LeaveRead:
    """Ask for leave, for oneself (staff) or a colleague (clinic admins); 409 on overlap."""
    staff_id = data.staff_id or caller.user_id
    (require_staff if staff_id == caller.user_id else require_admin)(caller, data.clinic_id)
    clinic = await projection.get_clinic(session, data.clinic_id)
    await _works_at(session, caller, staff_id, data.clinic_id)
    starts_at, ends_at = _instants(data, clinic.time_zone)
    leave = Leave(
        id=uuid.uuid4(),
        staff_id=staff_id,
        clinic_id=data.clinic_id,
        kind=data.kind,
        starts_at=starts_at,
        ends_at=ends_at,
        status=REQUESTED,
        reason=data.reason,
        requested_by=caller.user_id,
    )
    try:
        await repository.add(session, leave)
    except repository.Overlap:
        raise await _overlap(session, staff_id, starts_at, ends_at) from None
    return (await _reads(session, [leave]))[0]


async def _visible(
    session: AsyncSession, caller: Principal, leave_id: UUID, *, lock: bool = False
) -> Leave:
    leave = await repository.get(session, leave_id, for_update=lock)
    if leave is None:
        raise NotFound(f"No leave has id {leave_id}.")
    if leave.staff_id != caller.user_id and not caller.has_role(leave.clinic_id, CLINIC_ADMIN):
        raise Forbidden("Only the staff member and the clinic's admins may see this leave.")
    return leave


def _decides(caller: Principal, leave: Leave) -> bool:
    """Whether the caller acts on the leave as its clinic's admin."""
    own = leave.staff_id == caller.user_id and not caller.is_org_admin
    return caller.has_role(leave.clinic_id, CLINIC_ADMIN) and not own


async def get_leave(session: AsyncSession, *, caller: Principal, leave_id: UUID) -> LeaveRead:
    """One leave, with the shifts it covers (the staff member, or its clinic's admins)."""
    return await _read_one(session, await _visible(session, caller, leave_id))


async def _decide(
    session: AsyncSession, caller: Principal, leave_id: UUID, data: LeaveDecision, status: str
) -> Leave:
    leave = await _visible(session, caller, leave_id, lock=True)
    if not _decides(caller, leave):
        raise Forbidden("Only the clinic's admins decide leave, and not their own.")
    if leave.status != REQUESTED:
        raise InvalidTransition(f"The leave is {leave.status}; only requested leave is decided.")
    now = datetime.now(UTC)
    leave.status, leave.decided_by, leave.decided_at = status, caller.user_id, now
    leave.decision_note, leave.updated_at = data.note, now
    await session.flush()
    return leave


def _event_fields(leave: Leave, actor: UUID) -> dict[str, Any]:
    return {
        "leave_id": leave.id,
        "staff_id": leave.staff_id,
        "clinic_id": leave.clinic_id,
        "starts_at": leave.starts_at,
        "ends_at": leave.ends_at,
        "actor_id": actor,
    }


async def approve_leave(
    session: AsyncSession, *, caller: Principal, leave_id: UUID, data: LeaveDecision
) -> LeaveRead:
    """Approve requested leave (the clinic's admins), listing the shifts that need cover."""
    leave = await _decide(session, caller, leave_id, data, APPROVED)
    event = LeaveApproved(**_event_fields(leave, caller.user_id), kind=leave.kind)
    await outbox.stage(session, event)
    return await _read_one(session, leave)


async def reject_leave(
    session: AsyncSession, *, caller: Principal, leave_id: UUID, data: LeaveDecision
) -> LeaveRead:
    """Turn requested leave down (the clinic's admins)."""
    return (await _reads(session, [await _decide(session, caller, leave_id, data, REJECTED)]))[0]


async def cancel_leave(
    session: AsyncSession, *, caller: Principal, leave_id: UUID, data: LeaveDecision
) -> LeaveRead:
    """Withdraw leave: its staff member before it starts, the clinic's admins before it ends."""
    leave = await _visible(session, caller, leave_id, lock=True)
    now = datetime.now(UTC)
    if _decides(caller, leave):
        allowed = leave.status in (REQUESTED, APPROVED) and leave.ends_at > now
        rule = "Only requested or approved leave that has not ended can be cancelled."
    else:
        allowed = leave.status == REQUESTED or (leave.status == APPROVED and leave.starts_at > now)
        rule = "Approved leave that has started can only be cancelled by a clinic admin."
    if not allowed:
        raise InvalidTransition(f"The leave is {leave.status}. {rule}")
    approved = leave.status == APPROVED
    leave.status, leave.updated_at = CANCELLED, now
    leave.cancelled_by, leave.cancelled_at, leave.cancel_note = caller.user_id, now, data.note
    await session.flush()
    if approved:
        await outbox.stage(session, LeaveCancelled(**_event_fields(leave, caller.user_id)))
    return (await _reads(session, [leave]))[0]


async def list_leave(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID | None,
    staff_id: UUID | None,
    status: str | None,
    start: datetime | None,
    end: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[LeaveRead]:
    """Leave overlapping [from, to) by start: one's own, and all of the clinics one runs.

    403 for a clinic the caller does not work at, and for another staff member's leave
    unless the caller runs the clinic(s) asked about.
    """
    if start is not None and end is not None and end <= start:
        raise Problem("`to` must be after `from`.", slug="bad-range")
    require_clinic_in_scope(caller, clinic_id, what="leave")
    _require_colleague_in_scope(caller, clinic_id, staff_id)
    page = await repository.list_leave(
        session,
        visible_to=None if caller.is_org_admin else (caller.user_id, caller.clinics(CLINIC_ADMIN)),
        clinic_id=clinic_id,
        staff_id=staff_id,
        status=status,
        start=start,
        end=end,
        cursor=cursor,
        limit=limit,
    )
    return Page[LeaveRead](items=await _reads(session, page.items), next_cursor=page.next_cursor)


def _require_colleague_in_scope(
    caller: Principal, clinic_id: UUID | None, staff_id: UUID | None
) -> None:
    """403 when a staff filter names someone else and the caller runs no clinic asked about."""
    if caller.is_org_admin or staff_id in (None, caller.user_id):
        return
    administered = caller.clinics(CLINIC_ADMIN)
    if administered and (clinic_id is None or clinic_id in administered):
        return
    raise Forbidden("Staff see only their own leave; clinic admins see their clinics' leave.")
