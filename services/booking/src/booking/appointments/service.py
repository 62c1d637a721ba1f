"""Appointment use cases: hold, book, read, list, reschedule, cancel and the visit's steps.

Who may do what: a patient books, moves and cancels only their own appointments (moves and
cancels until the clinic's cutoff) and sees nothing else (404); the clinic's staff book for
any patient and walk in patients, and move the visit along; only clinic admins overbook.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from clinic_contracts.booking import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCheckedIn,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentRescheduled,
)
from clinic_contracts.identity import BookingPolicy
from servicekit.auth import CLINIC_ADMIN, Principal
from servicekit.localtime import zone
from servicekit.pagination import Page, decode_keyset, encode_cursor, instant
from servicekit.problems import Conflict, Forbidden, NotFound, Problem
from servicekit.scopes import list_scope
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_front_desk, is_staff
from booking.appointments import lookup, repository
from booking.appointments.events import appointment_event
from booking.appointments.models import Appointment
from booking.appointments.placement import Placement, place
from booking.appointments.rules import (
    PATIENT_ACTIONS,
    Action,
    InvalidMove,
    before_cutoff,
    next_status,
    no_show_allowed,
)
from booking.appointments.schemas import (
    AppointmentCreate,
    AppointmentRead,
    Cancellation,
    HoldCreate,
    Reschedule,
)
from booking.db import outbox
from booking.projection.models import Clinic
from booking.projection.repository import get_clinic, known_clinic
from booking.types.models import AppointmentType
from booking.types.service import visible
from booking.waitlist.offers import claim_offer, offer_freed

STEP_EVENTS = {
    "check-in": AppointmentCheckedIn,
    "complete": AppointmentCompleted,
    "no-show": AppointmentNoShow,
}


def read(row: Appointment, time_zone: str) -> AppointmentRead:
    """The response body of an appointment, its times in the clinic's zone."""
    tz = zone(time_zone)
    values = {
        name: getattr(row, name) for name in AppointmentRead.model_fields if name != "time_zone"
    }
    values |= {"starts_at": row.starts_at.astimezone(tz), "ends_at": row.ends_at.astimezone(tz)}
    return AppointmentRead.model_validate(values | {"time_zone": time_zone})


async def _clinic_and_type(
    session: AsyncSession, caller: Principal, clinic_id: UUID, type_id: UUID
) -> tuple[Clinic, AppointmentType]:
    """The clinic and a type of it the caller may book; 404 or 422 (in this order) if not."""
    clinic, kind = await lookup.clinic_and_type(session, clinic_id, type_id)
    return known_clinic(clinic, clinic_id), _bookable(visible(kind, caller, type_id), clinic_id)


def _bookable(kind: AppointmentType, clinic_id: UUID) -> AppointmentType:
    if kind.clinic_id != clinic_id:
        raise NotFound(f"Clinic {clinic_id} has no appointment type {kind.id}.")
    if not kind.active:
        raise Problem(
            "This appointment type is no longer booked.", status=422, slug="inactive-type"
        )
    return kind


def _patient(caller: Principal, named: UUID | None, staff: bool, policy: BookingPolicy) -> UUID:
    """Whom the visit is for: anyone staff name, otherwise the caller."""
    if staff:
        if named is None:
            raise Problem(
                "Staff must name the patient (`patient_id`).", status=422, slug="patient-required"
            )
        return named
    if named not in (None, caller.user_id):
        raise Forbidden("Patients book for themselves only.")
    if not policy.patient_self_booking:
        raise Forbidden("This clinic books appointments through its staff only.")
    return caller.user_id


async def hold(
    session: AsyncSession, *, caller: Principal, data: HoldCreate, minutes: int
) -> AppointmentRead:
    """Keep a slot for `minutes` while the booking is completed; nobody else is offered it."""
    clinic, kind = await _clinic_and_type(session, caller, data.clinic_id, data.type_id)
    staff = is_staff(caller, clinic.id)
    policy = BookingPolicy.model_validate(clinic.booking_policy)
    patient = data.patient_id if staff else _patient(caller, data.patient_id, staff, policy)
    want = Placement(
        clinic,
        kind,
        data.starts_at,
        data.provider_id,
        data.room_id,
        staff,
        patient_id=patient,
        front_desk=is_front_desk(caller, clinic.id),
    )
    appointment_id, now = uuid.uuid4(), datetime.now(UTC)
    extra = {
        "id": appointment_id,
        "clinic_id": clinic.id,
        "type_id": kind.id,
        "status": "pending",
        "hold_expires_at": now + timedelta(minutes=minutes),
        "created_by": caller.user_id,
    }
    row = await place(session, want, lambda values: repository.add(session, values | extra))
    await repository.record(session, row, "hold", actor_id=caller.user_id)
    return read(row, clinic.time_zone)


async def release_hold(session: AsyncSession, *, caller: Principal, hold_id: UUID) -> None:
    """Give a held slot back before it lapses."""
    row = await repository.get(session, hold_id, for_update=True)
    if row is None or row.status != "pending" or not _may_see(caller, row):
        raise NotFound(f"No hold has id {hold_id}.")
    await session.delete(row)


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
        return await _confirm(session, caller, data)
    if data.clinic_id is None or data.type_id is None:
        raise Problem(
            "Give `clinic_id` and `type_id` (or a `hold_id`).", status=422, slug="slot-required"
        )
    clinic, kind = await _clinic_and_type(session, caller, data.clinic_id, data.type_id)
    staff = is_staff(caller, clinic.id)
    policy = BookingPolicy.model_validate(clinic.booking_policy)
    patient = _patient(caller, data.patient_id, staff, policy)
    _check_staff_only(caller, clinic.id, data, staff)
    judged_at = offline.recorded_at if offline and offline.as_recorded else None
    starts_at = data.starts_at or ((judged_at or datetime.now(UTC)) if data.walk_in else None)
    if starts_at is None:
        raise Problem("Give `starts_at` (or a `hold_id`).", status=422, slug="slot-required")
    overbook = data.overbook_reason is not None
    want = Placement(
        clinic,
        kind,
        starts_at,
        data.provider_id,
        data.room_id,
        staff,
        overbook,
        patient,
        front_desk=is_front_desk(caller, clinic.id),
        judged_at=judged_at,
    )
    appointment_id = offline.appointment_id if offline else uuid.uuid4()
    now = datetime.now(UTC)
    extra = {
        "id": appointment_id,
        "clinic_id": clinic.id,
        "type_id": kind.id,
        "status": "booked",
        "booked_by": "clinic" if staff else "patient",
        "booked_at": now,
        "walk_in": data.walk_in,
        "overbooked": overbook,
        "overbook_reason": data.overbook_reason,
        "note": data.note,
        "created_by": caller.user_id,
    }
    if offline is not None:
        extra |= {
            "origin": "offline",
            "device_id": offline.device_id,
            "recorded_at": offline.recorded_at,
        }
    row = await place(session, want, lambda values: repository.add(session, values | extra))
    details = {"overbook_reason": data.overbook_reason} if overbook else {}
    await repository.record(session, row, "book", actor_id=caller.user_id, details=details)
    await _publish_booked(session, row, kind.name, clinic.time_zone, caller)
    return read(row, clinic.time_zone)


def _check_staff_only(
    caller: Principal, clinic_id: UUID, data: AppointmentCreate, staff: bool
) -> None:
    if data.walk_in and not staff:
        raise Forbidden("Only the clinic's staff record walk-ins.")
    if data.overbook_reason is not None and not caller.has_role(clinic_id, CLINIC_ADMIN):
        raise Forbidden("Only the clinic's admins may overbook.")


async def _confirm(
    session: AsyncSession, caller: Principal, data: AppointmentCreate
) -> AppointmentRead:
    """Turn a live hold into a booked appointment."""
    assert data.hold_id is not None
    row = await repository.get(session, data.hold_id, for_update=True)
    if row is None or row.status != "pending" or not _may_see(caller, row):
        raise NotFound(f"No hold has id {data.hold_id}.")
    if row.hold_expires_at is not None and row.hold_expires_at <= datetime.now(UTC):
        raise Conflict("This hold has lapsed; search for slots again.", slug="hold-expired")
    clinic = await get_clinic(session, row.clinic_id)
    staff = is_staff(caller, clinic.id)
    policy = BookingPolicy.model_validate(clinic.booking_policy)
    patient = row.patient_id or _patient(caller, data.patient_id, staff, policy)
    if staff and data.patient_id is not None:
        patient = data.patient_id
    now = datetime.now(UTC)
    changes = {
        "status": next_status("book", row.status),
        "hold_expires_at": None,
        "patient_id": patient,
        "booked_by": "clinic" if staff else "patient",
        "booked_at": now,
        "note": data.note,
        "updated_at": now,
    }
    await _change(session, row, changes)
    row = await _loaded(session, row.id)
    await repository.record(session, row, "book", actor_id=caller.user_id)
    if row.waitlist_entry_id is not None:
        await claim_offer(session, row.waitlist_entry_id)
    kind = await session.get(AppointmentType, row.type_id)
    await _publish_booked(session, row, kind.name if kind else "", clinic.time_zone, caller)
    return read(row, clinic.time_zone)


async def _publish_booked(
    session: AsyncSession, row: Appointment, type_name: str, time_zone: str, caller: Principal
) -> None:
    event = appointment_event(
        AppointmentBooked,
        row,
        type_name=type_name,
        time_zone=time_zone,
        actor_id=caller.user_id,
        booked_by=row.booked_by,
        walk_in=row.walk_in,
        overbooked=row.overbooked,
        waitlist_entry_id=row.waitlist_entry_id,
        origin=row.origin,
        recorded_at=row.recorded_at,
        device_id=row.device_id,
    )
    await outbox.stage(session, event)


async def _change(session: AsyncSession, row: Appointment, changes: dict[str, Any]) -> None:
    try:
        await repository.change(session, row.id, changes)
    except repository.Clash as clash:
        raise Conflict(f"The {clash.party} is already booked then.", slug="slot-taken") from None


async def _loaded(session: AsyncSession, appointment_id: UUID) -> Appointment:
    row = await repository.get(session, appointment_id)
    assert row is not None
    return row


def _may_see(caller: Principal, row: Appointment) -> bool:
    """Staff of its clinic, its patient, and (for a hold) whoever made it."""
    return (
        is_staff(caller, row.clinic_id)
        or row.patient_id == caller.user_id
        or (row.status == "pending" and row.created_by == caller.user_id)
    )


async def _visible(
    session: AsyncSession, caller: Principal, appointment_id: UUID, *, for_update: bool = False
) -> tuple[Appointment, Clinic]:
    """An appointment the caller may see (holds are not appointments), and its clinic; or 404."""
    row = await repository.get(session, appointment_id, for_update=for_update)
    if row is None or row.status == "pending" or not _may_see(caller, row):
        raise NotFound(f"No appointment has id {appointment_id}.")
    return row, await get_clinic(session, row.clinic_id)


async def get(session: AsyncSession, *, caller: Principal, appointment_id: UUID) -> AppointmentRead:
    """One appointment."""
    row, clinic = await _visible(session, caller, appointment_id)
    return read(row, clinic.time_zone)


async def get_hold(session: AsyncSession, *, caller: Principal, hold_id: UUID) -> AppointmentRead:
    """One live or lapsed hold, to its holder or the clinic's staff."""
    row = await repository.get(session, hold_id)
    if row is None or row.status != "pending" or not _may_see(caller, row):
        raise NotFound(f"No hold has id {hold_id}.")
    clinic = await get_clinic(session, row.clinic_id)
    return read(row, clinic.time_zone)


async def list_appointments(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID | None,
    provider_id: UUID | None,
    patient_id: UUID | None,
    statuses: Sequence[str],
    needs_reschedule: bool | None,
    start: datetime | None,
    end: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[AppointmentRead]:
    """Appointments by start: a patient's own, or those of the clinics the caller works at.

    403 for a clinic the caller does not work at (unless a patient, for their own) and for a
    patient naming another patient.
    """
    scope = list_scope(caller, clinic_id, what="appointments")
    query = repository.listing(
        clinic_ids=None if scope.clinics is None else sorted(scope.clinics),
        patient_id=scope.person(patient_id),
        provider_id=provider_id,
        statuses=statuses,
        needs_reschedule=needs_reschedule,
        start=start,
        end=end,
    )
    if cursor:
        after = decode_keyset(cursor, instant, UUID)
        query = query.where(tuple_(Appointment.starts_at, Appointment.id) > tuple_(*after))
    rows = list(
        await session.scalars(
            query.order_by(Appointment.starts_at, Appointment.id).limit(limit + 1)
        )
    )
    page = rows[:limit]
    zones = {c.id: c.time_zone for c in await _clinics(session, {r.clinic_id for r in page})}
    next_cursor = (
        encode_cursor(page[-1].starts_at.isoformat(), page[-1].id) if len(rows) > limit else None
    )
    return Page[AppointmentRead](
        items=[read(r, zones[r.clinic_id]) for r in page], next_cursor=next_cursor
    )


async def _clinics(session: AsyncSession, ids: set[UUID]) -> Sequence[Clinic]:
    return (await session.scalars(select(Clinic).where(Clinic.id.in_(ids)))).all() if ids else []


def _allowed(caller: Principal, row: Appointment, clinic: Clinic, action: Action) -> str:
    """'clinic' or 'patient': who is acting; 403 when a patient may not (any more)."""
    if is_staff(caller, row.clinic_id):
        return "clinic"
    if action not in PATIENT_ACTIONS:
        raise Forbidden(f"Only the clinic's staff may {action} an appointment.")
    policy = BookingPolicy.model_validate(clinic.booking_policy)
    if not before_cutoff(row.starts_at, datetime.now(UTC), policy.cancellation_cutoff_hours):
        raise Forbidden(
            f"Patients may {action} until {policy.cancellation_cutoff_hours} hours before the "
            "visit; please call the clinic.",
            slug="past-cutoff",
        )
    return "patient"


def _moved(action: Action, row: Appointment) -> str:
    try:
        return next_status(action, row.status)
    except InvalidMove as exc:
        raise Conflict(str(exc), slug="invalid-transition", status_now=row.status) from None


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
    row, clinic = await _visible(session, caller, appointment_id, for_update=True)
    party = _allowed(caller, row, clinic, "reschedule")
    status = _moved("reschedule", row)
    kind = await session.get(AppointmentType, row.type_id)
    assert kind is not None
    before = (row.starts_at, row.ends_at, row.provider_id)
    want = Placement(
        clinic,
        kind,
        data.starts_at,
        data.provider_id or row.provider_id,
        data.room_id or row.room_id,
        party == "clinic",
        row.overbooked,
        row.patient_id,
        front_desk=party == "clinic" and is_front_desk(caller, clinic.id),
        judged_at=recorded_at,
    )
    now = datetime.now(UTC)
    extra = {
        "status": status,
        "updated_at": now,
        "needs_reschedule": False,
        "needs_reschedule_reason": None,
    }
    await place(
        session,
        want,
        lambda values: repository.change(session, row.id, values | extra),
        moving=row.id,
    )
    row = await _loaded(session, appointment_id)
    await repository.record(
        session, row, "reschedule", actor_id=caller.user_id, details={"from": before[0].isoformat()}
    )
    event = appointment_event(
        AppointmentRescheduled,
        row,
        type_name=kind.name,
        time_zone=clinic.time_zone,
        actor_id=caller.user_id,
        previous_starts_at=before[0],
        previous_ends_at=before[1],
        previous_provider_id=before[2],
        rescheduled_by=party,
    )
    await outbox.stage(session, event)
    await offer_freed(session, clinic, before[2], before[0], minutes=offer_minutes)
    return read(row, clinic.time_zone)


async def cancel(
    session: AsyncSession,
    *,
    caller: Principal,
    appointment_id: UUID,
    data: Cancellation,
    offer_minutes: int,
) -> AppointmentRead:
    """Cancel a visit, keeping who cancelled, when and why; the freed slot goes to the waitlist."""
    row, clinic = await _visible(session, caller, appointment_id, for_update=True)
    party = _allowed(caller, row, clinic, "cancel")
    now = datetime.now(UTC)
    changes = {
        "status": _moved("cancel", row),
        "cancelled_at": now,
        "cancelled_by": caller.user_id,
        "cancelled_by_party": party,
        "cancel_reason": data.reason,
        "updated_at": now,
    }
    await repository.change(session, row.id, changes)
    row = await _loaded(session, appointment_id)
    await repository.record(
        session, row, "cancel", actor_id=caller.user_id, details={"reason": data.reason}
    )
    kind = await session.get(AppointmentType, row.type_id)
    event = appointment_event(
        AppointmentCancelled,
        row,
        type_name=kind.name if kind else "",
        time_zone=clinic.time_zone,
        actor_id=caller.user_id,
        cancelled_by=party,
        reason=data.reason,
    )
    await outbox.stage(session, event)
    await offer_freed(session, clinic, row.provider_id, row.starts_at, minutes=offer_minutes)
    return read(row, clinic.time_zone)


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
    row, clinic = await _visible(session, caller, appointment_id, for_update=True)
    _allowed(caller, row, clinic, action)
    status = _moved(action, row)
    if action == "no-show" and not no_show_allowed(row.starts_at, recorded_at or datetime.now(UTC)):
        raise Conflict(
            "A patient can be marked absent only once the visit was due.", slug="too-early"
        )
    await repository.change(session, row.id, {"status": status, "updated_at": datetime.now(UTC)})
    row = await _loaded(session, appointment_id)
    await repository.record(session, row, action, actor_id=caller.user_id)
    kind = await session.get(AppointmentType, row.type_id)
    event = appointment_event(
        STEP_EVENTS[action],
        row,
        type_name=kind.name if kind else "",
        time_zone=clinic.time_zone,
        actor_id=caller.user_id,
    )
    await outbox.stage(session, event)
    return read(row, clinic.time_zone)
