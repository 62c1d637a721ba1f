"""The appointment rules on their own: the lifecycle's moves, who acts for whom, what one sees."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from booking.appointments import rules
from booking.appointments.models import Appointment
from booking.appointments.placement import Placement
from booking.appointments.rules import MOVES, Action
from booking.appointments.schemas import AppointmentCreate
from booking.projection.models import Clinic
from booking.types.models import AppointmentType
from clinic_contracts.identity import BookingPolicy
from servicekit.auth import Membership, Principal
from servicekit.problems import Conflict, Forbidden, NotFound, Problem

CLINIC = uuid.uuid4()
NOW = datetime(2027, 6, 15, 9, tzinfo=UTC)
OPEN = BookingPolicy()
STAFF_ONLY = BookingPolicy(patient_self_booking=False)


def patient(user_id: uuid.UUID | None = None) -> Principal:
    return Principal(user_id or uuid.uuid4(), (Membership("patient"),))


def staff(role: str = "receptionist", clinic_id: uuid.UUID = CLINIC) -> Principal:
    return Principal(uuid.uuid4(), (Membership(role, clinic_id),))


def appointment(**fields: Any) -> Appointment:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "clinic_id": CLINIC,
        "patient_id": uuid.uuid4(),
        "status": "booked",
        "starts_at": NOW + timedelta(days=3),
        "created_by": uuid.uuid4(),
        "hold_expires_at": None,
    }
    return Appointment(**values | fields)


def clinic(cutoff_hours: int = 24) -> Clinic:
    policy = BookingPolicy(cancellation_cutoff_hours=cutoff_hours).model_dump()
    return Clinic(id=CLINIC, time_zone="Europe/London", booking_policy=policy)


def booking(**fields: Any) -> AppointmentCreate:
    return AppointmentCreate.model_validate(
        {"clinic_id": str(CLINIC), "type_id": str(uuid.uuid4())} | fields
    )


def slug(problem: pytest.ExceptionInfo[Problem]) -> tuple[int, str]:
    return problem.value.status, problem.value.slug


# --- the lifecycle -----------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(MOVES))
def test_each_action_leads_from_its_sources_to_its_target(action: Action) -> None:
    sources, target = MOVES[action]

    assert {rules.moved(action, source) for source in sources} == {target}


def test_a_move_from_another_status_is_a_409_naming_the_status_now() -> None:
    with pytest.raises(Conflict) as refused:
        rules.moved("complete", "fulfilled")

    assert refused.value.slug == "invalid-transition"
    assert refused.value.extensions == {"status_now": "fulfilled"}
    assert "Cannot complete an appointment that is fulfilled" in refused.value.detail


def test_a_patient_may_change_a_visit_until_the_cutoff_and_not_after() -> None:
    starts = NOW + timedelta(hours=24)

    assert rules.before_cutoff(starts, NOW, 24)
    assert not rules.before_cutoff(starts, NOW + timedelta(seconds=1), 24)


def test_a_no_show_waits_until_the_visit_was_due() -> None:
    with pytest.raises(Conflict) as early:
        rules.check_due("no-show", NOW + timedelta(minutes=1), NOW)

    assert early.value.slug == "too-early"
    rules.check_due("no-show", NOW, NOW)
    rules.check_due("check-in", NOW + timedelta(hours=1), NOW)


# --- what may be booked, for whom ------------------------------------------------------------


def test_a_type_of_another_clinic_is_404_and_a_retired_one_422() -> None:
    theirs = AppointmentType(id=uuid.uuid4(), clinic_id=uuid.uuid4(), active=True)
    retired = AppointmentType(id=uuid.uuid4(), clinic_id=CLINIC, active=False)
    ours = AppointmentType(id=uuid.uuid4(), clinic_id=CLINIC, active=True)

    with pytest.raises(NotFound):
        rules.bookable(theirs, CLINIC)
    with pytest.raises(Problem) as inactive:
        rules.bookable(retired, CLINIC)

    assert slug(inactive) == (422, "inactive-type")
    assert rules.bookable(ours, CLINIC) is ours


def test_staff_book_for_the_patient_they_name_and_must_name_one() -> None:
    named = uuid.uuid4()

    assert rules.patient_of(staff(), named, True, OPEN) == named
    with pytest.raises(Problem) as nameless:
        rules.patient_of(staff(), None, True, OPEN)
    assert slug(nameless) == (422, "patient-required")


def test_patients_book_for_themselves_where_the_clinic_lets_them() -> None:
    me = patient()

    assert rules.patient_of(me, None, False, OPEN) == me.user_id
    assert rules.patient_of(me, me.user_id, False, OPEN) == me.user_id
    with pytest.raises(Forbidden, match="themselves only"):
        rules.patient_of(me, uuid.uuid4(), False, OPEN)
    with pytest.raises(Forbidden, match="through its staff only"):
        rules.patient_of(me, None, False, STAFF_ONLY)


def test_staff_may_hold_a_slot_before_naming_the_patient() -> None:
    me = patient()

    assert rules.holder_of(staff(), None, True, OPEN) is None
    assert rules.holder_of(me, None, False, OPEN) == me.user_id


def test_a_confirmed_hold_is_for_whom_staff_name_else_its_patient_else_the_caller() -> None:
    named, me = uuid.uuid4(), patient()
    kept = appointment(status="pending", patient_id=uuid.uuid4())
    open_hold = appointment(status="pending", patient_id=None)

    assert rules.confirmed_patient(staff(), kept, named, True, OPEN) == named
    assert rules.confirmed_patient(staff(), kept, None, True, OPEN) == kept.patient_id
    assert rules.confirmed_patient(me, open_hold, None, False, OPEN) == me.user_id
    with pytest.raises(Problem) as nameless:
        rules.confirmed_patient(staff(), open_hold, None, True, OPEN)
    assert slug(nameless) == (422, "patient-required")


def test_walk_ins_are_for_staff_and_overbooking_for_admins() -> None:
    with pytest.raises(Forbidden, match="walk-ins"):
        rules.check_staff_only(patient(), CLINIC, booking(walk_in=True))
    with pytest.raises(Forbidden, match="overbook"):
        rules.check_staff_only(staff(), CLINIC, booking(overbook_reason="Urgent review"))

    rules.check_staff_only(staff(), CLINIC, booking(walk_in=True))
    rules.check_staff_only(staff("clinic_admin"), CLINIC, booking(overbook_reason="Urgent"))


def test_a_booking_without_a_hold_names_its_clinic_type_and_start() -> None:
    with pytest.raises(Problem) as typeless:
        rules.check_slot_named(AppointmentCreate(clinic_id=CLINIC))
    with pytest.raises(Problem) as timeless:
        rules.requested_start(booking(), NOW)

    assert slug(typeless) == slug(timeless) == (422, "slot-required")
    assert rules.requested_start(booking(walk_in=True), NOW) == NOW
    asked = NOW + timedelta(days=1)
    assert rules.requested_start(booking(starts_at=asked.isoformat()), NOW) == asked


# --- who sees what, who acts -----------------------------------------------------------------


def test_a_visit_is_seen_by_its_patient_and_its_clinics_staff_only() -> None:
    visit = appointment()
    own = patient(visit.patient_id)

    assert rules.seen_appointment(own, visit, visit.id) is visit
    assert rules.seen_appointment(staff("provider"), visit, visit.id) is visit
    for stranger in (patient(), staff(clinic_id=uuid.uuid4())):
        with pytest.raises(NotFound):
            rules.seen_appointment(stranger, visit, visit.id)
    with pytest.raises(NotFound):
        rules.seen_appointment(own, None, visit.id)


def test_a_hold_is_seen_by_whoever_made_it_and_is_not_an_appointment() -> None:
    maker = patient()
    held = appointment(status="pending", patient_id=None, created_by=maker.user_id)

    assert rules.seen_hold(maker, held, held.id) is held
    with pytest.raises(NotFound, match="No appointment"):
        rules.seen_appointment(maker, held, held.id)
    with pytest.raises(NotFound, match="No hold"):
        rules.seen_hold(maker, appointment(created_by=maker.user_id), held.id)


def test_a_hold_is_live_until_its_expiry() -> None:
    held = appointment(status="pending", hold_expires_at=NOW + timedelta(minutes=1))

    rules.check_live(held, NOW)
    with pytest.raises(Conflict) as lapsed:
        rules.check_live(held, NOW + timedelta(minutes=1))
    assert lapsed.value.slug == "hold-expired"


def test_staff_act_for_the_clinic_at_any_time() -> None:
    past_cutoff = appointment(starts_at=NOW + timedelta(hours=1))

    assert rules.acting_party(staff(), past_cutoff, clinic(), "cancel", NOW) == "clinic"
    assert rules.acting_party(staff(), past_cutoff, clinic(), "no-show", NOW) == "clinic"


def test_patients_move_and_cancel_until_the_cutoff_and_nothing_else() -> None:
    visit = appointment(starts_at=NOW + timedelta(hours=48))
    own = patient(visit.patient_id)

    assert rules.acting_party(own, visit, clinic(24), "reschedule", NOW) == "patient"
    with pytest.raises(Forbidden) as late:
        rules.acting_party(own, visit, clinic(72), "cancel", NOW)
    with pytest.raises(Forbidden, match="Only the clinic's staff may check-in"):
        rules.acting_party(own, visit, clinic(), "check-in", NOW)
    assert late.value.slug == "past-cutoff"


# --- when a visit may start --------------------------------------------------------------------


def placement(starts_at: datetime, *, staff: bool, judged_at: datetime | None = None) -> Placement:
    kind = AppointmentType(
        id=uuid.uuid4(),
        clinic_id=CLINIC,
        duration_minutes=30,
        buffer_before_minutes=0,
        buffer_after_minutes=0,
        step_minutes=15,
        min_notice_minutes=None,
        max_days_ahead=None,
    )
    return Placement(clinic(), kind, starts_at, staff=staff, judged_at=judged_at)


def test_staff_may_start_a_visit_up_to_half_an_hour_ago() -> None:
    rules.check_window(placement(NOW - rules.WALK_IN_GRACE, staff=True), NOW)
    with pytest.raises(Problem) as past:
        rules.check_window(placement(NOW - timedelta(minutes=31), staff=True), NOW)

    assert slug(past) == (422, "in-the-past")


def test_an_offline_walk_in_is_judged_as_of_when_it_was_recorded() -> None:
    recorded = NOW - timedelta(hours=3)
    walk_in = placement(recorded - timedelta(minutes=10), staff=True, judged_at=recorded)

    rules.check_window(walk_in, NOW)


def test_patients_book_inside_the_window_on_the_types_grid() -> None:
    rules.check_window(placement(NOW + timedelta(days=2), staff=False), NOW)
    with pytest.raises(Problem) as soon:
        rules.check_window(placement(NOW + timedelta(minutes=15), staff=False), NOW)
    with pytest.raises(Problem) as far:
        rules.check_window(placement(NOW + timedelta(days=120), staff=False), NOW)
    with pytest.raises(Problem) as off_grid:
        rules.check_window(placement(NOW + timedelta(days=2, minutes=5), staff=False), NOW)

    assert slug(soon) == slug(far) == (422, "outside-booking-window")
    assert slug(off_grid) == (422, "off-grid")
