"""The appointment lifecycle as pure rules: FHIR statuses, allowed moves, who may do what.

No I/O: each rule takes what it judges (the caller, the row, the clinic, the time now) and
answers, or raises the status-coded problem the request ends with.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from clinic_contracts.booking import AppointmentStatus
from clinic_contracts.identity import BookingPolicy
from servicekit.auth import CLINIC_ADMIN, Principal
from servicekit.localtime import zone
from servicekit.problems import Conflict, Forbidden, NotFound, Problem

from booking.access import is_staff
from booking.appointments.models import Appointment
from booking.appointments.schemas import AppointmentCreate
from booking.projection.models import Clinic
from booking.slots.rules import on_grid
from booking.slots.service import bookable_window, visit_of
from booking.types.models import AppointmentType

if TYPE_CHECKING:
    from booking.appointments.placement import Placement

Action = Literal["book", "reschedule", "cancel", "check-in", "complete", "no-show"]
Party = Literal["clinic", "patient"]

# Which status each action starts from and leads to; anything else is a 409. FHIR R4 allows
# more (arrived, entered-in-error), which other clients may set through their own flows.
MOVES: dict[Action, tuple[frozenset[AppointmentStatus], AppointmentStatus]] = {
    "book": (frozenset({"pending"}), "booked"),
    "reschedule": (frozenset({"booked"}), "booked"),
    "cancel": (frozenset({"booked", "arrived"}), "cancelled"),
    "check-in": (frozenset({"booked", "arrived"}), "checked-in"),
    "complete": (frozenset({"arrived", "checked-in"}), "fulfilled"),
    "no-show": (frozenset({"booked"}), "noshow"),
}
PATIENT_ACTIONS: frozenset[Action] = frozenset({"book", "reschedule", "cancel"})
WALK_IN_GRACE = timedelta(minutes=30)
"""How far in the past staff may start a visit (a patient already being seen)."""


class InvalidMove(Exception):  # noqa: N818 - a domain verdict, turned into a 409 by `moved`
    """The appointment's status does not allow the action."""


def next_status(action: Action, current: str) -> AppointmentStatus:
    """The status after `action`, or InvalidMove."""
    sources, target = MOVES[action]
    if current not in sources:
        allowed = ", ".join(sorted(sources))
        raise InvalidMove(f"Cannot {action} an appointment that is {current} (only {allowed}).")
    return target


def moved(action: Action, current: str) -> AppointmentStatus:
    """The status after `action`; 409 invalid-transition (with `status_now`) if not allowed."""
    try:
        return next_status(action, current)
    except InvalidMove as exc:
        raise Conflict(str(exc), slug="invalid-transition", status_now=current) from None


def before_cutoff(starts_at: datetime, now: datetime, cutoff_hours: int) -> bool:
    """Whether a patient may still cancel or move a visit starting at `starts_at`."""
    return now <= starts_at - timedelta(hours=cutoff_hours)


def no_show_allowed(starts_at: datetime, now: datetime) -> bool:
    """A patient can only be marked absent once the visit was due to start."""
    return now >= starts_at


def check_due(action: Action, starts_at: datetime, now: datetime) -> None:
    """409 too-early for a no-show marked before the visit was due."""
    if action == "no-show" and not no_show_allowed(starts_at, now):
        raise Conflict(
            "A patient can be marked absent only once the visit was due.", slug="too-early"
        )


def check_window(want: Placement, now: datetime) -> None:
    """422 for a start staff may not give (in the past) or patients may not (outside the
    booking window, off the type's grid); an offline change is judged as of when it was made."""
    if want.staff:
        now = min(want.judged_at or now, now)
        if want.starts_at < now - WALK_IN_GRACE:
            raise Problem("Appointments cannot start in the past.", status=422, slug="in-the-past")
        return
    policy = BookingPolicy.model_validate(want.clinic.booking_policy)
    earliest, latest = bookable_window(want.kind, policy, want.clinic.time_zone, now, staff=False)
    if not earliest <= want.starts_at <= latest:
        raise Problem(
            f"Patients may book from {earliest.isoformat(timespec='minutes')} "
            f"to {latest.isoformat(timespec='minutes')}.",
            status=422,
            slug="outside-booking-window",
        )
    if not on_grid(want.starts_at, visit_of(want.kind), zone(want.clinic.time_zone)):
        raise Problem(
            f"Start times of this type fall every {want.kind.step_minutes} minutes "
            "from local midnight; pick one from /v1/slots.",
            status=422,
            slug="off-grid",
        )


def bookable(kind: AppointmentType, clinic_id: UUID) -> AppointmentType:
    """The type, if the clinic books it: 404 for another clinic's, 422 for a retired one."""
    if kind.clinic_id != clinic_id:
        raise NotFound(f"Clinic {clinic_id} has no appointment type {kind.id}.")
    if not kind.active:
        raise Problem(
            "This appointment type is no longer booked.", status=422, slug="inactive-type"
        )
    return kind


def patient_of(caller: Principal, named: UUID | None, staff: bool, policy: BookingPolicy) -> UUID:
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


def holder_of(
    caller: Principal, named: UUID | None, staff: bool, policy: BookingPolicy
) -> UUID | None:
    """Whom a hold is for: staff may leave it open until the booking names the patient."""
    return named if staff else patient_of(caller, named, staff, policy)


def confirmed_patient(
    caller: Principal, hold: Appointment, named: UUID | None, staff: bool, policy: BookingPolicy
) -> UUID:
    """Whom a confirmed hold is for: the one staff name now, else the hold's, else the caller."""
    if staff and named is not None:
        return named
    return hold.patient_id or patient_of(caller, named, staff, policy)


def check_staff_only(caller: Principal, clinic_id: UUID, data: AppointmentCreate) -> None:
    """403 for a walk-in recorded by anyone but staff, or an overbooking by anyone but admins."""
    if data.walk_in and not is_staff(caller, clinic_id):
        raise Forbidden("Only the clinic's staff record walk-ins.")
    if data.overbook_reason is not None and not caller.has_role(clinic_id, CLINIC_ADMIN):
        raise Forbidden("Only the clinic's admins may overbook.")


def check_slot_named(data: AppointmentCreate) -> tuple[UUID, UUID]:
    """The clinic and type a booking without a hold names; 422 slot-required if not both."""
    if data.clinic_id is None or data.type_id is None:
        raise Problem(
            "Give `clinic_id` and `type_id` (or a `hold_id`).", status=422, slug="slot-required"
        )
    return data.clinic_id, data.type_id


def requested_start(data: AppointmentCreate, now: datetime) -> datetime:
    """The start asked for; a walk-in without one starts `now`. 422 slot-required if none."""
    starts_at = data.starts_at or (now if data.walk_in else None)
    if starts_at is None:
        raise Problem("Give `starts_at` (or a `hold_id`).", status=422, slug="slot-required")
    return starts_at


def may_see(caller: Principal, row: Appointment) -> bool:
    """Staff of its clinic, its patient, and (for a hold) whoever made it."""
    return (
        is_staff(caller, row.clinic_id)
        or row.patient_id == caller.user_id
        or (row.status == "pending" and row.created_by == caller.user_id)
    )


def seen_appointment(
    caller: Principal, row: Appointment | None, appointment_id: UUID
) -> Appointment:
    """The appointment, if the caller may see it (holds are not appointments); else 404."""
    if row is None or row.status == "pending" or not may_see(caller, row):
        raise NotFound(f"No appointment has id {appointment_id}.")
    return row


def seen_hold(caller: Principal, row: Appointment | None, hold_id: UUID) -> Appointment:
    """The hold, live or lapsed, if the caller may see it; else 404."""
    if row is None or row.status != "pending" or not may_see(caller, row):
        raise NotFound(f"No hold has id {hold_id}.")
    return row


def check_live(hold: Appointment, now: datetime) -> None:
    """409 hold-expired once the hold's minutes have run out."""
    if hold.hold_expires_at is not None and hold.hold_expires_at <= now:
        raise Conflict("This hold has lapsed; search for slots again.", slug="hold-expired")


def acting_party(
    caller: Principal, row: Appointment, clinic: Clinic, action: Action, now: datetime
) -> Party:
    """Who is acting on the visit; 403 when a patient may not (any more)."""
    if is_staff(caller, row.clinic_id):
        return "clinic"
    if action not in PATIENT_ACTIONS:
        raise Forbidden(f"Only the clinic's staff may {action} an appointment.")
    policy = BookingPolicy.model_validate(clinic.booking_policy)
    if not before_cutoff(row.starts_at, now, policy.cancellation_cutoff_hours):
        raise Forbidden(
            f"Patients may {action} until {policy.cancellation_cutoff_hours} hours before the "
            "visit; please call the clinic.",
            slug="past-cutoff",
        )
    return "patient"
