"""Slot hold use cases: hold a slot, read it, give it back, or confirm it as the booking.

A hold is an appointment row in FHIR's `pending` status with an expiry, so the constraints
that keep appointments apart keep holds apart too.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from clinic_contracts.identity import BookingPolicy
from servicekit.auth import Principal
from servicekit.problems import Conflict
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_front_desk, is_staff
from booking.appointments import placement, repository, rules
from booking.appointments.events import booked_event
from booking.appointments.placement import Placement
from booking.appointments.queries import clinic_and_type, reloaded, visible_hold
from booking.appointments.schemas import AppointmentCreate, AppointmentRead, HoldCreate
from booking.db import outbox
from booking.projection.repository import get_clinic
from booking.waitlist.offers import claim_offer, lapse


async def hold(
    session: AsyncSession, *, caller: Principal, data: HoldCreate, minutes: int
) -> AppointmentRead:
    """Keep a slot for `minutes` while the booking is completed; nobody else is offered it."""
    want, columns = await _requested(session, caller, data, minutes)
    planned = await placement.plan(session, want)
    # The waitlist's side: offers among the lapsed holds `plan` deleted lapse too.
    await lapse(session, released=planned.released)
    noted = repository.Noted("hold", caller.user_id)
    row = await placement.take(
        session,
        planned,
        lambda values: repository.add(session, values=values | columns, noted=noted),
    )
    return AppointmentRead.of(row, want.clinic.time_zone)


async def hold_at_once(
    session: AsyncSession, *, caller: Principal, data: HoldCreate, minutes: int
) -> AppointmentRead | None:
    """`hold` in one write statement, needing no transaction, as `service.book_at_once`
    books; None, having written nothing, when it is refused (`hold` then does it all)."""
    want, columns = await _requested(session, caller, data, minutes)
    planned = await placement.plan(session, want, release_lapsed=False)
    noted = repository.Noted("hold", caller.user_id)
    row = await placement.take_first(
        session,
        planned,
        lambda values: repository.add_if_free(session, values=values | columns, noted=noted),
    )
    return None if row is None else AppointmentRead.of(row, want.clinic.time_zone)


async def _requested(
    session: AsyncSession, caller: Principal, data: HoldCreate, minutes: int
) -> tuple[Placement, dict[str, Any]]:
    """The visit a hold asks for, once the caller may hold it, and the hold's own columns."""
    clinic, kind = await clinic_and_type(session, caller, data.clinic_id, data.type_id)
    staff = is_staff(caller, clinic.id)
    policy = BookingPolicy.model_validate(clinic.booking_policy)
    want = Placement(
        clinic,
        kind,
        data.starts_at,
        data.provider_id,
        data.room_id,
        staff,
        patient_id=rules.holder_of(caller, data.patient_id, staff, policy),
        front_desk=is_front_desk(caller, clinic.id),
    )
    columns = {
        "id": uuid.uuid4(),
        "clinic_id": clinic.id,
        "type_id": kind.id,
        "status": "pending",
        "hold_expires_at": datetime.now(UTC) + timedelta(minutes=minutes),
        "created_by": caller.user_id,
    }
    return want, columns


async def get_hold(session: AsyncSession, *, caller: Principal, hold_id: UUID) -> AppointmentRead:
    """One live or lapsed hold, to its holder or the clinic's staff."""
    row = await visible_hold(session, caller, hold_id)
    clinic = await get_clinic(session, row.clinic_id)
    return AppointmentRead.of(row, clinic.time_zone)


async def release_hold(session: AsyncSession, *, caller: Principal, hold_id: UUID) -> None:
    """Give a held slot back before it lapses."""
    row = await visible_hold(session, caller, hold_id, for_update=True)
    await repository.delete_hold(session, hold_id=row.id)


async def confirm(
    session: AsyncSession, *, caller: Principal, data: AppointmentCreate, hold_id: UUID
) -> AppointmentRead:
    """Turn a live hold into a booked appointment (the same id); a waitlist offer it kept is
    taken."""
    row = await visible_hold(session, caller, hold_id, for_update=True)
    now = datetime.now(UTC)
    rules.check_live(row, now)
    clinic = await get_clinic(session, row.clinic_id)
    staff = is_staff(caller, clinic.id)
    policy = BookingPolicy.model_validate(clinic.booking_policy)
    changes = {
        "status": rules.moved("book", row.status),
        "hold_expires_at": None,
        "patient_id": rules.confirmed_patient(caller, row, data.patient_id, staff, policy),
        "booked_by": "clinic" if staff else "patient",
        "booked_at": now,
        "note": data.note,
        "updated_at": now,
    }
    await _book_hold(session, row.id, changes)
    row = await reloaded(session, row.id)
    await repository.record(session, row=row, action="book", actor_id=caller.user_id)
    if row.waitlist_entry_id is not None:
        await claim_offer(session, entry_id=row.waitlist_entry_id)
    type_name = await repository.type_name(session, type_id=row.type_id)
    event = booked_event(
        row, type_name=type_name, time_zone=clinic.time_zone, actor_id=caller.user_id
    )
    await outbox.stage(session, event)
    return AppointmentRead.of(row, clinic.time_zone)


async def _book_hold(session: AsyncSession, hold_id: UUID, changes: dict[str, Any]) -> None:
    """409 slot-taken when the patient named now is busy then."""
    try:
        await repository.change(session, appointment_id=hold_id, values=changes)
    except repository.Clash as clash:
        raise Conflict(f"The {clash.party} is already booked then.", slug="slot-taken") from None
