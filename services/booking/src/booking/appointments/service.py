"""Appointment use cases: book, reschedule, cancel and the visit's steps.

Who may do what: a patient books, moves and cancels only their own appointments (moves and
cancels until the clinic's cutoff) and sees nothing else (404); the clinic's staff book for
any patient and walk in patients, and move the visit along; only clinic admins overbook.
Holds are `booking.appointments.holds`, reads `booking.appointments.queries`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from clinic_contracts.booking import (
    AppointmentCancelled,
    AppointmentRescheduled,
)
from clinic_contracts.identity import BookingPolicy
from servicekit.auth import Principal
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_front_desk, is_staff
from booking.appointments import holds, placement, repository, rules
from booking.appointments.events import STEP_EVENTS, booked_event, publish
from booking.appointments.models import Appointment
from booking.appointments.placement import Placement
from booking.appointments.queries import clinic_and_type, reloaded, visible_appointment
from booking.appointments.rules import Action
from booking.appointments.schemas import (
    AppointmentCreate,
    AppointmentRead,
    Cancellation,
    Reschedule,
)
from booking.projection.models import Clinic
from booking.types.models import AppointmentType
from booking.waitlist.offers import lapse, offer_freed


@dataclass(frozen=True)
class Offline:
    """A booking recorded on a front desk device without network, pushed by sync."""

    appointment_id: UUID
    device_id: UUID
    recorded_at: datetime
    as_recorded: bool = False
    """Judge the time rules as of `recorded_at` (the push), not now (a conflict's resolution)."""


async def book(
    session: AsyncSession,
    *,
    caller: Principal,
    data: AppointmentCreate,
    offline: Offline | None = None,
) -> AppointmentRead:
    """Book a visit, or confirm a hold; 409 with alternatives when the time is taken.

    `offline` books under the device's own appointment id and records where it came from.
    """
    if data.hold_id is not None:
        return await holds.confirm(session, caller=caller, data=data, hold_id=data.hold_id)
    want = await _requested(session, caller, data, offline)
    planned = await placement.plan(session, want)
    # The waitlist's side: offers among the lapsed holds `plan` deleted lapse too.
    await lapse(session, released=planned.released)
    write = _writer(caller, data, want, offline)
    row = await placement.take(
        session, planned, lambda values: repository.add(session, **write(values))
    )
    return AppointmentRead.of(row, want.clinic.time_zone)


async def book_at_once(
    session: AsyncSession, *, caller: Principal, data: AppointmentCreate
) -> AppointmentRead | None:
    """`book` of a visit (not a hold's confirmation) in one write statement, needing no
    transaction (so no BEGIN and COMMIT): the checks read as `book`'s do, and the visit is
    written with the likeliest provider and room.

    None, having written nothing, when the write is refused (the time taken, or a lapsed hold
    in the way). `book` in a transaction then does it all: deletes the lapsed holds, tries
    every provider and room, and names the clash.
    """
    want = await _requested(session, caller, data, None)
    planned = await placement.plan(session, want, release_lapsed=False)
    write = _writer(caller, data, want, None)
    row = await placement.take_first(
        session, planned, lambda values: repository.add_if_free(session, **write(values))
    )
    return None if row is None else AppointmentRead.of(row, want.clinic.time_zone)


def _writer(
    caller: Principal, data: AppointmentCreate, want: Placement, offline: Offline | None
) -> Callable[[dict[str, Any]], repository.Adding]:
    """What the insert of a booking at given times, provider and room writes: its columns,
    history entry and AppointmentBooked event."""
    extra = _booked_columns(caller, data, want, offline)
    details = {"overbook_reason": data.overbook_reason} if want.overbook else {}
    noted = repository.Noted("book", caller.user_id, details)

    def written(values: dict[str, Any]) -> repository.Adding:
        columns = values | extra
        # Every column the event reads is among those written, so it is built before.
        event = booked_event(
            Appointment(**columns),
            type_name=want.kind.name,
            time_zone=want.clinic.time_zone,
            actor_id=caller.user_id,
        )
        return {"values": columns, "noted": noted, "staged": event}

    return written


async def _requested(
    session: AsyncSession, caller: Principal, data: AppointmentCreate, offline: Offline | None
) -> Placement:
    """The visit a booking asks for, once the caller may book it; 404, 403 or 422 if not."""
    clinic_id, type_id = rules.check_slot_named(data)
    clinic, kind = await clinic_and_type(session, caller, clinic_id, type_id)
    staff = is_staff(caller, clinic.id)
    policy = BookingPolicy.model_validate(clinic.booking_policy)
    patient = rules.patient_of(caller, data.patient_id, staff, policy)
    rules.check_staff_only(caller, clinic.id, data)
    judged_at = offline.recorded_at if offline and offline.as_recorded else None
    return Placement(
        clinic,
        kind,
        rules.requested_start(data, judged_at or datetime.now(UTC)),
        data.provider_id,
        data.room_id,
        staff,
        data.overbook_reason is not None,
        patient,
        front_desk=is_front_desk(caller, clinic.id),
        judged_at=judged_at,
    )


def _booked_columns(
    caller: Principal, data: AppointmentCreate, want: Placement, offline: Offline | None
) -> dict[str, Any]:
    """The new appointment's columns besides its time, provider, room and patient."""
    columns = {
        "id": offline.appointment_id if offline else uuid.uuid4(),
        "clinic_id": want.clinic.id,
        "type_id": want.kind.id,
        "status": "booked",
        "booked_by": "clinic" if want.staff else "patient",
        "booked_at": datetime.now(UTC),
        "walk_in": data.walk_in,
        "overbooked": want.overbook,
        "overbook_reason": data.overbook_reason,
        "note": data.note,
        "created_by": caller.user_id,
        "origin": "online",
        "waitlist_entry_id": None,
    }
    if offline is not None:
        columns |= {
            "origin": "offline",
            "device_id": offline.device_id,
            "recorded_at": offline.recorded_at,
        }
    return columns


async def reschedule(
    session: AsyncSession,
    *,
    caller: Principal,
    appointment_id: UUID,
    data: Reschedule,
    offer_minutes: int,
    recorded_at: datetime | None = None,
) -> AppointmentRead:
    """Move a visit in one statement: the new time is taken and the old freed, or nothing.

    `recorded_at`: an offline device's move, judged as of when it was made there."""
    row, clinic = await visible_appointment(session, caller, appointment_id, for_update=True)
    party = rules.acting_party(caller, row, clinic, "reschedule", datetime.now(UTC))
    status = rules.moved("reschedule", row.status)
    kind = await repository.get_type(session, type_id=row.type_id)
    assert kind is not None
    front_desk = party == "clinic" and is_front_desk(caller, clinic.id)
    want = _new_time(row, clinic, kind, data, party, front_desk, recorded_at)
    before = row.starts_at, row.ends_at, row.provider_id
    await _move(session, row.id, want, status)
    row = await reloaded(session, appointment_id)
    details = {"from": before[0].isoformat()}
    await repository.record(
        session, row=row, action="reschedule", actor_id=caller.user_id, details=details
    )
    await publish(
        session,
        AppointmentRescheduled,
        row,
        kind=kind,
        clinic=clinic,
        caller=caller,
        previous_starts_at=before[0],
        previous_ends_at=before[1],
        previous_provider_id=before[2],
        rescheduled_by=party,
    )
    await offer_freed(session, clinic, before[2], before[0], minutes=offer_minutes)
    return AppointmentRead.of(row, clinic.time_zone)


def _new_time(
    row: Appointment,
    clinic: Clinic,
    kind: AppointmentType,
    data: Reschedule,
    party: rules.Party,
    front_desk: bool,
    judged_at: datetime | None,
) -> Placement:
    """The visit at the time asked for; its provider and room stay unless others are named."""
    return Placement(
        clinic,
        kind,
        data.starts_at,
        data.provider_id or row.provider_id,
        data.room_id or row.room_id,
        party == "clinic",
        row.overbooked,
        row.patient_id,
        front_desk=front_desk,
        judged_at=judged_at,
    )


async def _move(session: AsyncSession, appointment_id: UUID, want: Placement, status: str) -> None:
    """Place the visit at its new time, clearing any flag that it needed one."""
    extra = {
        "status": status,
        "updated_at": datetime.now(UTC),
        "needs_reschedule": False,
        "needs_reschedule_reason": None,
    }
    planned = await placement.plan(session, want)
    # The waitlist's side: offers among the lapsed holds `plan` deleted lapse too.
    await lapse(session, released=planned.released)
    await placement.take(
        session,
        planned,
        lambda values: repository.change(
            session, appointment_id=appointment_id, values=values | extra
        ),
        moving=appointment_id,
    )


async def cancel(
    session: AsyncSession,
    *,
    caller: Principal,
    appointment_id: UUID,
    data: Cancellation,
    offer_minutes: int,
) -> AppointmentRead:
    """Cancel a visit, keeping who cancelled, when and why; the freed slot goes to the waitlist."""
    row, clinic = await visible_appointment(session, caller, appointment_id, for_update=True)
    now = datetime.now(UTC)
    party = rules.acting_party(caller, row, clinic, "cancel", now)
    changes = {
        "status": rules.moved("cancel", row.status),
        "cancelled_at": now,
        "cancelled_by": caller.user_id,
        "cancelled_by_party": party,
        "cancel_reason": data.reason,
        "updated_at": now,
    }
    await repository.change(session, appointment_id=row.id, values=changes)
    row = await reloaded(session, appointment_id)
    details = {"reason": data.reason}
    await repository.record(
        session, row=row, action="cancel", actor_id=caller.user_id, details=details
    )
    # Held on to: a waitlist offer of the freed time finds the type in the session.
    kind = await repository.get_type(session, type_id=row.type_id)
    await publish(
        session,
        AppointmentCancelled,
        row,
        kind=kind,
        clinic=clinic,
        caller=caller,
        cancelled_by=party,
        reason=data.reason,
    )
    await offer_freed(session, clinic, row.provider_id, row.starts_at, minutes=offer_minutes)
    return AppointmentRead.of(row, clinic.time_zone)


async def advance(
    session: AsyncSession,
    *,
    caller: Principal,
    appointment_id: UUID,
    action: Action,
    recorded_at: datetime | None = None,
) -> AppointmentRead:
    """Check in, complete or mark a no-show (the clinic's staff); `recorded_at`: when an
    offline device recorded it, the moment a no-show is judged at."""
    row, clinic = await visible_appointment(session, caller, appointment_id, for_update=True)
    rules.acting_party(caller, row, clinic, action, datetime.now(UTC))
    status = rules.moved(action, row.status)
    rules.check_due(action, row.starts_at, recorded_at or datetime.now(UTC))
    changes = {"status": status, "updated_at": datetime.now(UTC)}
    await repository.change(session, appointment_id=row.id, values=changes)
    row = await reloaded(session, appointment_id)
    await repository.record(session, row=row, action=action, actor_id=caller.user_id)
    kind = await repository.get_type(session, type_id=row.type_id)
    await publish(session, STEP_EVENTS[action], row, kind=kind, clinic=clinic, caller=caller)
    return AppointmentRead.of(row, clinic.time_zone)
