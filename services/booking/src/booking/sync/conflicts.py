"""The conflict inbox: offline changes whose time was taken, until the front desk settles them.

Book another time (a booking keeps the device's appointment id, so the device's copy becomes
the real one), put the patient on the waitlist, or give up (the patient is told).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from clinic_contracts.booking import OfflineConflictResolved
from servicekit.auth import STAFF_ROLES, Principal
from servicekit.pagination import Page, decode_keyset, encode_cursor, instant
from servicekit.problems import Conflict, Forbidden, NotFound, Problem
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import service as appointments
from booking.appointments.schemas import AppointmentCreate, Reschedule
from booking.db import outbox
from booking.projection.models import Clinic, Patient
from booking.sync.models import OfflineConflict
from booking.sync.push import require_front_desk
from booking.sync.schemas import ConflictRead, Resolve
from booking.types.models import AppointmentType
from booking.waitlist import service as waitlist
from booking.waitlist.schemas import WaitlistJoin

WAITLIST_DAYS = 14
"""A waitlisted patient waits for a slot from now until this long after the refused time."""
RESOLUTIONS = {"book": "booked", "waitlist": "waitlisted", "cancel": "cancelled"}


async def _names(session: AsyncSession, ids: set[UUID]) -> dict[UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Patient.id, Patient.full_name).where(Patient.id.in_(ids)))
    return {patient_id: name for patient_id, name in rows.all()}


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
    query = select(OfflineConflict).where(OfflineConflict.clinic_id == clinic_id)
    if status is not None:
        query = query.where(OfflineConflict.status == status)
    order = (OfflineConflict.created_at, OfflineConflict.id)
    if cursor:
        query = query.where(tuple_(*order) > tuple_(*decode_keyset(cursor, instant, UUID)))
    rows = list(await session.scalars(query.order_by(*order).limit(limit + 1)))
    page = rows[:limit]
    names = await _names(session, {r.patient_id for r in page})
    last = page[-1] if len(rows) > limit else None
    return Page[ConflictRead](
        items=[_read(r, names) for r in page],
        next_cursor=encode_cursor(last.created_at.isoformat(), last.id) if last else None,
    )


async def resolve(
    session: AsyncSession,
    *,
    caller: Principal,
    conflict_id: UUID,
    data: Resolve,
    offer_minutes: int,
) -> ConflictRead:
    """Settle an open conflict; 409 when settled already or the chosen time is taken too."""
    row = await session.get(
        OfflineConflict, conflict_id, with_for_update=True, populate_existing=True
    )
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
    return _read(row, await _names(session, {row.patient_id}))


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
    clinic = await session.get(Clinic, row.clinic_id)
    kind = await session.get(AppointmentType, row.type_id)
    assert clinic is not None
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
