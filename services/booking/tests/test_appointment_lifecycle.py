"""A booked visit through the API: rescheduled, cancelled, moved along its FHIR statuses, and
seen only by whom it concerns."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from clinic_contracts.identity import ClinicCreated
from servicekit.auth import Membership
from servicekit.localtime import instant
from servicekit.testing.fixtures import Apply

from .conftest import LONDON, SOON, Calendar, Staged, clock, free_starts, problem


def at(hour: int) -> dict[str, str]:
    """A reschedule body: the same day, at `hour` o'clock."""
    return {"starts_at": instant(SOON, time(hour), LONDON).isoformat()}


@pytest.fixture
async def kind(calendar: Calendar) -> dict[str, Any]:
    await calendar.shift(calendar.doctor, SOON)
    return await calendar.new_type()


# --- reschedule --------------------------------------------------------------------------------


@dataclass
class Moving:
    """A patient's 09:00 visit, and someone else's at 10:00."""

    headers: dict[str, str]
    url: str


@pytest.fixture
async def moving(calendar: Calendar, kind: dict[str, Any]) -> Moving:
    patient = calendar.patient()
    mine = (await calendar.book(calendar.slot(kind, SOON, time(9)), patient)).json()
    await calendar.book(calendar.slot(kind, SOON, time(10)), calendar.patient())
    return Moving(patient, f"/v1/appointments/{mine['id']}")


async def test_a_move_onto_a_taken_time_changes_nothing(
    calendar: Calendar, kind: dict[str, Any], moving: Moving, staged: Staged
) -> None:
    onto_taken = await calendar.client.post(
        f"{moving.url}/reschedule", json=at(10), headers=moving.headers
    )

    assert onto_taken.status_code == 409
    unchanged = await calendar.client.get(moving.url, headers=moving.headers)
    assert clock(unchanged.json()["starts_at"]) == "09:00"
    assert "09:00" not in await free_starts(calendar, kind)
    assert await staged("AppointmentRescheduled") == []


async def test_a_move_takes_the_new_time_and_frees_the_old(
    calendar: Calendar, kind: dict[str, Any], moving: Moving, staged: Staged
) -> None:
    moved = await calendar.client.post(
        f"{moving.url}/reschedule", json=at(11), headers=moving.headers
    )

    assert moved.status_code == 200, moved.text
    assert clock(moved.json()["starts_at"]) == "11:00"
    free = await free_starts(calendar, kind)
    assert "09:00" in free
    assert "11:00" not in free
    [event] = await staged("AppointmentRescheduled")
    assert clock(event["previous_starts_at"]) == "09:00"
    assert event["rescheduled_by"] == "patient"


# --- cancel ------------------------------------------------------------------------------------


@dataclass
class Cutoff:
    """A clinic with a 48-hour cutoff; a patient's visits tomorrow (`near`) and in two weeks."""

    patient: dict[str, str]
    near: str
    far: str


@pytest.fixture
async def cutoff(calendar: Calendar, apply: Apply) -> Cutoff:
    await apply(
        ClinicCreated(
            clinic_id=calendar.id,
            name="Camden",
            time_zone="Europe/London",
            booking_policy={"cancellation_cutoff_hours": 48, "min_notice_minutes": 0},
        )
    )
    tomorrow = date.today() + timedelta(days=1)
    await calendar.shift(calendar.doctor, tomorrow, time(0), time(23, 59))
    await calendar.shift(calendar.doctor, SOON)
    kind = await calendar.new_type()
    patient = calendar.patient(uuid.uuid4())
    near = await calendar.book(calendar.slot(kind, tomorrow, time(12)), patient)
    far = await calendar.book(calendar.slot(kind, SOON, time(9)), patient)
    assert near.status_code == far.status_code == 201, near.text
    return Cutoff(
        patient, f"/v1/appointments/{near.json()['id']}", f"/v1/appointments/{far.json()['id']}"
    )


async def test_a_patient_may_not_cancel_after_the_cutoff(
    calendar: Calendar, cutoff: Cutoff
) -> None:
    late = await calendar.client.post(f"{cutoff.near}/cancel", headers=cutoff.patient)

    assert problem(late) == (403, "past-cutoff")


async def test_a_patient_cancels_before_the_cutoff_saying_why(
    calendar: Calendar, cutoff: Cutoff, staged: Staged
) -> None:
    early = await calendar.client.post(
        f"{cutoff.far}/cancel", json={"reason": "Better"}, headers=cutoff.patient
    )

    assert early.status_code == 200
    assert early.json()["cancelled_by_party"] == "patient"
    assert early.json()["cancel_reason"] == "Better"
    events = await staged("AppointmentCancelled")
    assert [e["cancelled_by"] for e in events] == ["patient"]


async def test_staff_cancel_after_the_cutoff(
    calendar: Calendar, cutoff: Cutoff, staged: Staged
) -> None:
    by_desk = await calendar.client.post(
        f"{cutoff.near}/cancel", json={"reason": "Doctor ill"}, headers=calendar.receptionist()
    )

    assert by_desk.json()["status"] == "cancelled"
    assert by_desk.json()["cancelled_by_party"] == "clinic"
    events = await staged("AppointmentCancelled")
    assert [e["cancelled_by"] for e in events] == ["clinic"]


async def test_a_cancelled_visit_cannot_be_cancelled_again(
    calendar: Calendar, cutoff: Cutoff
) -> None:
    desk = calendar.receptionist()
    first = await calendar.client.post(f"{cutoff.far}/cancel", headers=cutoff.patient)
    assert first.status_code == 200

    twice = await calendar.client.post(f"{cutoff.far}/cancel", headers=desk)

    assert problem(twice) == (409, "invalid-transition")


# --- the visit's steps -------------------------------------------------------------------------


@dataclass
class Visit:
    """A walk-in that started five minutes ago, and a visit in two weeks (`later`)."""

    url: str
    later: str
    patient: dict[str, str]
    desk: dict[str, str]


@pytest.fixture
async def visit(calendar: Calendar) -> Visit:
    today = date.today()
    await calendar.shift(calendar.doctor, today, time(0), time(23, 59))
    await calendar.shift(calendar.doctor, SOON)
    kind = await calendar.new_type(duration_minutes=10, step_minutes=5)
    desk = calendar.receptionist()
    patient_id = uuid.uuid4()
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    now_visit = await calendar.book(
        {
            "clinic_id": str(calendar.id),
            "type_id": kind["id"],
            "provider_id": str(calendar.doctor),
            "patient_id": str(patient_id),
            "starts_at": start.isoformat(),
            "walk_in": True,
        },
        desk,
    )
    assert now_visit.status_code == 201, now_visit.text
    later = await calendar.book(
        calendar.slot(kind, SOON, time(9), patient_id=str(uuid.uuid4())), desk
    )
    return Visit(
        f"/v1/appointments/{now_visit.json()['id']}",
        f"/v1/appointments/{later.json()['id']}",
        calendar.patient(patient_id),
        desk,
    )


async def test_a_patient_may_not_check_themselves_in(calendar: Calendar, visit: Visit) -> None:
    by_patient = await calendar.client.post(f"{visit.url}/check-in", headers=visit.patient)

    assert by_patient.status_code == 403


async def test_a_visit_not_checked_in_cannot_be_completed(calendar: Calendar, visit: Visit) -> None:
    early_complete = await calendar.client.post(f"{visit.url}/complete", headers=visit.desk)

    assert early_complete.status_code == 409


async def test_a_checked_in_visit_is_completed(
    calendar: Calendar, visit: Visit, staged: Staged
) -> None:
    checked_in = await calendar.client.post(f"{visit.url}/check-in", headers=visit.desk)
    completed = await calendar.client.post(f"{visit.url}/complete", headers=visit.desk)

    assert checked_in.json()["status"] == "checked-in"
    assert completed.json()["status"] == "fulfilled"
    assert [
        e["event_type"] for e in await staged("AppointmentCheckedIn", "AppointmentCompleted")
    ] == [
        "AppointmentCheckedIn",
        "AppointmentCompleted",
    ]


async def test_a_fulfilled_visit_is_neither_completed_again_nor_cancelled(
    calendar: Calendar, visit: Visit
) -> None:
    for step in ("check-in", "complete"):
        done = await calendar.client.post(f"{visit.url}/{step}", headers=visit.desk)
        assert done.status_code == 200, done.text

    again = await calendar.client.post(f"{visit.url}/complete", headers=visit.desk)
    cancel_done = await calendar.client.post(f"{visit.url}/cancel", headers=visit.desk)

    assert again.status_code == cancel_done.status_code == 409
    assert again.json()["status_now"] == "fulfilled"


async def test_a_no_show_before_the_visit_was_due_is_too_early(
    calendar: Calendar, visit: Visit
) -> None:
    no_show_early = await calendar.client.post(f"{visit.later}/no-show", headers=visit.desk)

    assert problem(no_show_early) == (409, "too-early")


# --- who sees it -------------------------------------------------------------------------------


@dataclass
class Owned:
    """Alice's visit at 09:00."""

    alice: uuid.UUID
    id: str
    url: str


@pytest.fixture
async def owned(calendar: Calendar, kind: dict[str, Any]) -> Owned:
    alice = uuid.uuid4()
    mine = await calendar.book(calendar.slot(kind, SOON, time(9)), calendar.patient(alice))
    assert mine.status_code == 201, mine.text
    return Owned(alice, mine.json()["id"], f"/v1/appointments/{mine.json()['id']}")


async def test_another_patient_neither_sees_nor_finds_it(calendar: Calendar, owned: Owned) -> None:
    as_bob = calendar.patient(uuid.uuid4())

    seen = await calendar.client.get(owned.url, headers=as_bob)
    bobs_list = await calendar.client.get("/v1/appointments", headers=as_bob)

    assert seen.status_code == 404
    assert bobs_list.json()["items"] == []


async def test_another_patient_can_neither_cancel_nor_move_it(
    calendar: Calendar, owned: Owned
) -> None:
    as_bob = calendar.patient(uuid.uuid4())

    cancelled = await calendar.client.post(f"{owned.url}/cancel", headers=as_bob)
    moved = await calendar.client.post(f"{owned.url}/reschedule", json=at(11), headers=as_bob)

    assert cancelled.status_code == moved.status_code == 404


async def test_staff_of_another_clinic_do_not_see_it(calendar: Calendar, owned: Owned) -> None:
    elsewhere = calendar.issuer.headers(uuid.uuid4(), Membership("receptionist", uuid.uuid4()))

    other_clinic = await calendar.client.get(owned.url, headers=elsewhere)

    assert other_clinic.status_code == 404


async def test_its_patient_and_its_clinic_see_it(calendar: Calendar, owned: Owned) -> None:
    alice = calendar.patient(owned.alice)

    alices_list = await calendar.client.get("/v1/appointments", headers=alice)
    clinic_list = await calendar.client.get(
        "/v1/appointments", params={"clinic_id": str(calendar.id)}, headers=calendar.receptionist()
    )

    assert [a["id"] for a in alices_list.json()["items"]] == [owned.id]
    assert [a["id"] for a in clinic_list.json()["items"]] == [owned.id]
    assert (await calendar.client.get(owned.url, headers=alice)).status_code == 200
