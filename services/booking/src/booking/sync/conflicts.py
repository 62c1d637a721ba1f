"""The conflict inbox: offline changes whose time was taken, until the front desk settles them.

A push opens a conflict when a device's booking or move finds its time taken. Staff book
another time (a booking keeps the device's appointment id, so the device's copy becomes the
real one), put the patient on the waitlist, or give up (the patient is told).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from clinic_contracts.booking import OfflineConflictRecorded, OfflineConflictResolved
from servicekit.auth import STAFF_ROLES, Principal
from servicekit.pagination import Page
from servicekit.problems import Conflict, Forbidden, NotFound, Problem
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import require_front_desk
from booking.appointments import repository as appointment_rows
from booking.appointments import service as appointments
from booking.appointments.schemas import AppointmentCreate, Reschedule
from booking.db import outbox
from booking.projection.models import Clinic
from booking.projection.repository import get_clinic, patient_names
from booking.sync import repository
from booking.sync.models import OfflineConflict
from booking.sync.mutations import parse_args
from booking.sync.schemas import BookArgs, ConflictRead, Mutation, RescheduleArgs, Resolve
from booking.types import repository as appointment_types
from booking.types.models import AppointmentType
from booking.waitlist import service as waitlist
from booking.waitlist.schemas import WaitlistJoin

WAITLIST_DAYS = 14
"""A waitlisted patient waits for a slot from now until this long after the refused time."""
RESOLUTIONS = {"book": "booked", "waitlist": "waitlisted", "cancel": "cancelled"}


async def open_conflict(
    session: AsyncSession,
    *,
    clinic_id: UUID,
    device_id: UUID,
    mutation: Mutation,
    problem: dict[str, Any],
) -> OfflineConflict:
    """Keep an offline booking or move whose time was taken in the clinic's inbox; tell
    whoever listens (notify tells the front desk)."""
    args = parse_args(mutation)
    assert isinstance(args, BookArgs | RescheduleArgs)
    clinic = await get_clinic(session, clinic_id)
    party = await _party(session, args)
    kind = await appointment_types.get(session, type_id=party["type_id"])
    assert kind is not None
    conflict = OfflineConflict(
        id=uuid.uuid4(),
        clinic_id=clinic.id,
        device_id=device_id,
        mutation_id=mutation.id,
        kind=mutation.kind,
        appointment_id=args.appointment_id,
        starts_at=args.starts_at,
        ends_at=args.starts_at + timedelta(minutes=kind.duration_minutes),
        recorded_at=mutation.recorded_at,
        problem=problem,
        alternatives=list(problem.get("alternatives", [])),
        **party,
    )
    await repository.add_conflict(session, conflict=conflict)
    await repository.add_to_directory(session, clinic_id=clinic.id, patient_id=conflict.patient_id)
    await outbox.stage(session, _recorded(conflict, kind, clinic))
    return conflict


async def _party(session: AsyncSession, args: BookArgs | RescheduleArgs) -> dict[str, Any]:
    """Who and what the refused change was for: a move's come from its appointment."""
    if isinstance(args, BookArgs):
        return args.model_dump(
            include={"patient_id", "type_id", "provider_id", "room_id", "walk_in", "note"}
        )
    row = await appointment_rows.get(session, args.appointment_id)
    assert row is not None
    assert row.patient_id is not None
    return {
        "patient_id": row.patient_id,
        "type_id": row.type_id,
        "provider_id": args.provider_id or row.provider_id,
        "room_id": args.room_id,
        "walk_in": row.walk_in,
        "note": row.note,
    }


def _recorded(
    conflict: OfflineConflict, kind: AppointmentType, clinic: Clinic
) -> OfflineConflictRecorded:
    return OfflineConflictRecorded(
        conflict_id=conflict.id,
        clinic_id=clinic.id,
        device_id=conflict.device_id,
        patient_id=conflict.patient_id,
        type_id=conflict.type_id,
        type_name=kind.name,
        kind=conflict.kind,
        appointment_id=conflict.appointment_id,
        starts_at=conflict.starts_at,
        ends_at=conflict.ends_at,
        time_zone=clinic.time_zone,
        recorded_at=conflict.recorded_at,
    )


def _read(row: OfflineConflict, names: dict[UUID, str]) -> ConflictRead:
    read = ConflictRead.model_validate(row)
    return read.model_copy(update={"patient_name": names.get(row.patient_id)})


async def list_conflicts(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> Page[ConflictRead]:
    """The clinic's conflicts, oldest first (its staff)."""
    if not caller.has_role(clinic_id, *STAFF_ROLES):
        raise Forbidden("Only the clinic's staff see its conflicts.")
    page = await repository.conflicts_page(
        session, clinic_id=clinic_id, status=status, cursor=cursor, limit=limit
    )
    names = await patient_names(session, patient_ids={row.patient_id for row in page.items})
    items = [_read(row, names) for row in page.items]
    return Page[ConflictRead](items=items, next_cursor=page.next_cursor)


async def resolve(
    session: AsyncSession,
    *,
    caller: Principal,
    conflict_id: UUID,
    data: Resolve,
    offer_minutes: int,
) -> ConflictRead:
    """Settle an open conflict; 409 when settled already or the chosen time is taken too."""
    row = await repository.conflict_for_update(session, conflict_id=conflict_id)
    if row is None or not caller.has_role(row.clinic_id, *STAFF_ROLES):
        raise NotFound(f"No conflict has id {conflict_id}.")
    require_front_desk(caller, row.clinic_id)
    if row.status != "open":
        raise Conflict(
            f"This conflict was resolved already ({row.resolution}).", slug="conflict-resolved"
        )
    if data.action == "book":
        await _book(session, caller, row, data, offer_minutes)
    elif data.action == "waitlist":
        await _waitlist(session, caller, row)
    now = datetime.now(UTC)
    row.status, row.resolution = "resolved", RESOLUTIONS[data.action]
    row.resolved_by, row.resolved_at = caller.user_id, now
    await session.flush()
    await _publish(session, row)
    return _read(row, await patient_names(session, patient_ids={row.patient_id}))


async def _book(
    session: AsyncSession, caller: Principal, row: OfflineConflict, data: Resolve, offer: int
) -> None:
    if data.starts_at is None:
        raise Problem("Give `starts_at` to book.", status=422, slug="slot-required")
    if row.kind == "reschedule":
        move = Reschedule(starts_at=data.starts_at, provider_id=data.provider_id)
        await appointments.reschedule(
            session,
            caller=caller,
            appointment_id=row.appointment_id,
            data=move,
            offer_minutes=offer,
        )
        return
    booking = AppointmentCreate(
        clinic_id=row.clinic_id,
        type_id=row.type_id,
        patient_id=row.patient_id,
        starts_at=data.starts_at,
        provider_id=data.provider_id,
        walk_in=row.walk_in,
        note=row.note,
    )
    offline = appointments.Offline(row.appointment_id, row.device_id, row.recorded_at)
    await appointments.book(session, caller=caller, data=booking, offline=offline)


async def _waitlist(session: AsyncSession, caller: Principal, row: OfflineConflict) -> None:
    now = datetime.now(UTC)
    entry = WaitlistJoin(
        clinic_id=row.clinic_id,
        type_id=row.type_id,
        earliest=now,
        latest=max(now, row.starts_at) + timedelta(days=WAITLIST_DAYS),
        patient_id=row.patient_id,
    )
    await waitlist.join(session, caller=caller, data=entry)


async def _publish(session: AsyncSession, row: OfflineConflict) -> None:
    clinic = await get_clinic(session, row.clinic_id)
    kind = await appointment_types.get(session, type_id=row.type_id)
    assert kind is not None
    assert row.resolved_by is not None
    event = OfflineConflictResolved(
        conflict_id=row.id,
        clinic_id=row.clinic_id,
        device_id=row.device_id,
        patient_id=row.patient_id,
        type_id=row.type_id,
        type_name=kind.name,
        kind=row.kind,
        appointment_id=row.appointment_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        time_zone=clinic.time_zone,
        resolution=row.resolution,
        resolved_by=row.resolved_by,
    )
    await outbox.stage(session, event)
