"""Booking, the FHIR lifecycle, reschedule, cancel and who may do what, through the API."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from clinic_contracts.identity import ClinicCreated
from servicekit.auth import Membership
from servicekit.localtime import instant
from sqlalchemy import text

from .conftest import LONDON

SOON = date.today() + timedelta(days=14 - date.today().weekday())  # a Monday two weeks on


def problem(response) -> tuple[int, str]:
    """Status and problem type slug."""
    return response.status_code, response.json()["type"].rsplit(":", 1)[-1]


def clock(moment: str) -> str:
    return datetime.fromisoformat(moment).astimezone(LONDON).strftime("%H:%M")


@pytest.fixture
async def day(calendar):
    await calendar.shift(calendar.doctor, SOON)
    return SOON


async def free_starts(calendar, kind, provider=None) -> list[str]:
    params = {
        "clinic_id": str(calendar.id),
        "type_id": kind["id"],
        "from": instant(SOON, time(0), LONDON).isoformat(),
        "to": instant(SOON + timedelta(days=1), time(0), LONDON).isoformat(),
        "limit": 200,
    }
    if provider:
        params["provider_id"] = str(provider)
    response = await calendar.client.get("/v1/slots", params=params)
    assert response.status_code == 200, response.text
    return [clock(s["starts_at"]) for s in response.json()["items"]]


async def test_a_patient_books_an_offered_slot_which_is_then_gone(calendar, day, staged):
    kind = await calendar.new_type()
    patient = uuid.uuid4()

    response = await calendar.book(calendar.slot(kind, day, time(9)), calendar.patient(patient))

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/v1/appointments/{body['id']}"
    assert body["status"] == "booked"
    assert body["patient_id"] == str(patient)
    assert body["booked_by"] == "patient"
    assert datetime.fromisoformat(body["starts_at"]) == instant(day, time(9), LONDON)
    assert body["time_zone"] == "Europe/London"
    assert "09:00" not in await free_starts(calendar, kind)
    assert "08:30" in await free_starts(calendar, kind)
    [event] = await staged("AppointmentBooked")
    assert event["appointment_id"] == body["id"]
    assert event["booked_by"] == "patient"
    assert event["type_name"] == "Consultation"


async def test_an_overlapping_range_is_refused_naming_the_clash_and_nearest_free_starts(
    calendar, day
):
    kind = await calendar.new_type(buffer_after_minutes=10)
    first = await calendar.book(calendar.slot(kind, day, time(9)), calendar.patient())
    assert first.status_code == 201

    # 09:30 is not 09:00, but 09:00's visit and buffer run to 09:40.
    refused = await calendar.book(calendar.slot(kind, day, time(9, 30)), calendar.patient())

    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"].endswith(":slot-taken")
    assert problem["clash"]["with"] == "provider"
    assert clock(problem["clash"]["starts_at"]) == "09:00"
    assert "appointment_id" not in problem["clash"]  # someone else's visit
    offered = [clock(a["starts_at"]) for a in problem["alternatives"]]
    assert {"08:15", "09:45"} <= set(offered)
    assert not {"08:30", "09:00", "09:15", "09:30"} & set(offered)


async def test_any_provider_takes_whoever_is_free_until_nobody_is(calendar, day):
    await calendar.shift(calendar.nurse, day)
    kind = await calendar.new_type()
    anyone = calendar.slot(kind, day, time(10), provider_id=None)

    first = await calendar.book(anyone, calendar.patient())
    second = await calendar.book(anyone, calendar.patient())
    third = await calendar.book(anyone, calendar.patient())

    assert {first.json()["provider_id"], second.json()["provider_id"]} == {
        str(calendar.doctor),
        str(calendar.nurse),
    }
    assert third.status_code == 409


async def test_outside_shifts_notice_and_grid_are_refused(calendar, day):
    kind = await calendar.new_type()
    patient = calendar.patient()

    evening = await calendar.book(calendar.slot(kind, day, time(18)), patient)
    off_grid = await calendar.book(calendar.slot(kind, day, time(9, 5)), patient)
    soon = datetime.now(UTC) + timedelta(minutes=10)
    too_soon = await calendar.book(
        calendar.slot(kind, day, time(9)) | {"starts_at": soon.isoformat()}, patient
    )
    no_one = await calendar.book(
        calendar.slot(kind, day, time(9), provider_id=str(uuid.uuid4())), patient
    )

    assert problem(evening) == (409, "slot-unavailable")
    assert clock(evening.json()["alternatives"][-1]["starts_at"]) == "16:30"
    assert problem(off_grid) == (422, "off-grid")
    assert problem(too_soon) == (422, "outside-booking-window")
    assert problem(no_one) == (422, "provider-not-eligible")


async def test_a_retry_with_the_same_key_replays_and_a_different_body_is_422(
    calendar, day, runtime
):
    kind = await calendar.new_type()
    patient = calendar.patient()
    key = {"Idempotency-Key": "book-0001"}

    first = await calendar.book(calendar.slot(kind, day, time(9)), patient | key)
    again = await calendar.book(calendar.slot(kind, day, time(9)), patient | key)
    other = await calendar.book(calendar.slot(kind, day, time(11)), patient | key)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    async with runtime.sessions() as session:
        count = await session.scalar(text("SELECT count(*) FROM booking.appointments"))
    assert count == 1


async def test_staff_book_for_patients_walk_ins_and_only_admins_overbook(calendar, day, runtime):
    kind = await calendar.new_type()
    patient = uuid.uuid4()
    desk = calendar.receptionist()

    nameless = await calendar.book(calendar.slot(kind, day, time(9)), desk)
    booked = await calendar.book(calendar.slot(kind, day, time(9), patient_id=str(patient)), desk)
    not_admin = await calendar.book(
        calendar.slot(kind, day, time(9), patient_id=str(uuid.uuid4()), overbook_reason="urgent"),
        desk,
    )
    overbooked = await calendar.book(
        calendar.slot(
            kind, day, time(9), patient_id=str(uuid.uuid4()), overbook_reason="Urgent review"
        ),
        calendar.admin(),
    )
    walk_in_by_patient = await calendar.book(
        calendar.slot(kind, day, time(10), walk_in=True), calendar.patient()
    )

    assert nameless.status_code == 422
    assert booked.status_code == 201
    assert booked.json()["booked_by"] == "clinic"
    assert not_admin.status_code == 403
    assert overbooked.status_code == 201, overbooked.text
    assert overbooked.json()["overbooked"] is True
    assert walk_in_by_patient.status_code == 403
    async with runtime.sessions() as session:
        reason = await session.scalar(
            text(
                "SELECT details->>'overbook_reason' FROM booking.appointment_history"
                " WHERE appointment_id = :id AND action = 'book'"
            ),
            {"id": overbooked.json()["id"]},
        )
    assert reason == "Urgent review"


async def test_a_patient_cannot_hold_two_visits_at_once(calendar, day):
    await calendar.shift(calendar.nurse, day)
    kind = await calendar.new_type()
    patient = calendar.patient()

    first = await calendar.book(calendar.slot(kind, day, time(9)), patient)
    second = await calendar.book(
        calendar.slot(kind, day, time(9, 15), provider_id=str(calendar.nurse)), patient
    )

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["clash"]["with"] == "patient"
    assert second.json()["clash"]["appointment_id"] == first.json()["id"]


async def test_reschedule_takes_the_new_time_and_frees_the_old_or_changes_nothing(
    calendar, day, staged
):
    kind = await calendar.new_type()
    patient = calendar.patient()
    mine = (await calendar.book(calendar.slot(kind, day, time(9)), patient)).json()
    await calendar.book(calendar.slot(kind, day, time(10)), calendar.patient())
    move = f"/v1/appointments/{mine['id']}/reschedule"

    onto_taken = await calendar.client.post(
        move, json={"starts_at": instant(day, time(10), LONDON).isoformat()}, headers=patient
    )
    unchanged = await calendar.client.get(f"/v1/appointments/{mine['id']}", headers=patient)
    still_taken = await free_starts(calendar, kind)
    moved = await calendar.client.post(
        move, json={"starts_at": instant(day, time(11), LONDON).isoformat()}, headers=patient
    )

    assert onto_taken.status_code == 409
    assert clock(unchanged.json()["starts_at"]) == "09:00"
    assert "09:00" not in still_taken
    assert moved.status_code == 200, moved.text
    assert clock(moved.json()["starts_at"]) == "11:00"
    free = await free_starts(calendar, kind)
    assert "09:00" in free
    assert "11:00" not in free
    [event] = await staged("AppointmentRescheduled")
    assert clock(event["previous_starts_at"]) == "09:00"
    assert event["rescheduled_by"] == "patient"


async def test_patients_cancel_only_until_the_cutoff_and_staff_any_time(
    client, issuer, apply, calendar, staged
):
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
    patient_id = uuid.uuid4()
    patient = calendar.patient(patient_id)
    near = await calendar.book(calendar.slot(kind, tomorrow, time(12)), patient)
    far = await calendar.book(calendar.slot(kind, SOON, time(9)), patient)
    assert near.status_code == far.status_code == 201, near.text

    late = await client.post(f"/v1/appointments/{near.json()['id']}/cancel", headers=patient)
    early = await client.post(
        f"/v1/appointments/{far.json()['id']}/cancel", json={"reason": "Better"}, headers=patient
    )
    by_desk = await client.post(
        f"/v1/appointments/{near.json()['id']}/cancel",
        json={"reason": "Doctor ill"},
        headers=calendar.receptionist(),
    )
    twice = await client.post(
        f"/v1/appointments/{far.json()['id']}/cancel", headers=calendar.receptionist()
    )

    assert problem(late) == (403, "past-cutoff")
    assert early.status_code == 200
    assert early.json()["cancelled_by_party"] == "patient"
    assert early.json()["cancel_reason"] == "Better"
    assert by_desk.json()["status"] == "cancelled"
    assert by_desk.json()["cancelled_by_party"] == "clinic"
    assert problem(twice) == (409, "invalid-transition")
    events = await staged("AppointmentCancelled")
    assert [e["cancelled_by"] for e in events] == ["patient", "clinic"]


async def test_fhir_statuses_move_only_along_the_lifecycle(calendar, staged):
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
    url = f"/v1/appointments/{now_visit.json()['id']}"

    by_patient = await calendar.client.post(f"{url}/check-in", headers=calendar.patient(patient_id))
    early_complete = await calendar.client.post(f"{url}/complete", headers=desk)
    checked_in = await calendar.client.post(f"{url}/check-in", headers=desk)
    completed = await calendar.client.post(f"{url}/complete", headers=desk)
    again = await calendar.client.post(f"{url}/complete", headers=desk)
    cancel_done = await calendar.client.post(f"{url}/cancel", headers=desk)
    no_show_early = await calendar.client.post(
        f"/v1/appointments/{later.json()['id']}/no-show", headers=desk
    )

    assert by_patient.status_code == 403
    assert early_complete.status_code == 409
    assert checked_in.json()["status"] == "checked-in"
    assert completed.json()["status"] == "fulfilled"
    assert again.status_code == cancel_done.status_code == 409
    assert again.json()["status_now"] == "fulfilled"
    assert problem(no_show_early) == (409, "too-early")
    assert [
        e["event_type"] for e in await staged("AppointmentCheckedIn", "AppointmentCompleted")
    ] == [
        "AppointmentCheckedIn",
        "AppointmentCompleted",
    ]


async def test_a_patient_sees_and_changes_only_their_own_appointments(calendar, day):
    kind = await calendar.new_type()
    alice, bob = uuid.uuid4(), uuid.uuid4()
    mine = (await calendar.book(calendar.slot(kind, day, time(9)), calendar.patient(alice))).json()
    url = f"/v1/appointments/{mine['id']}"
    elsewhere = calendar.issuer.headers(uuid.uuid4(), Membership("receptionist", uuid.uuid4()))

    as_bob = calendar.patient(bob)
    seen = await calendar.client.get(url, headers=as_bob)
    cancelled = await calendar.client.post(f"{url}/cancel", headers=as_bob)
    moved = await calendar.client.post(
        f"{url}/reschedule",
        json={"starts_at": instant(day, time(11), LONDON).isoformat()},
        headers=as_bob,
    )
    other_clinic = await calendar.client.get(url, headers=elsewhere)
    bobs_list = await calendar.client.get("/v1/appointments", headers=as_bob)
    alices_list = await calendar.client.get("/v1/appointments", headers=calendar.patient(alice))
    clinic_list = await calendar.client.get(
        "/v1/appointments", params={"clinic_id": str(calendar.id)}, headers=calendar.receptionist()
    )

    assert seen.status_code == cancelled.status_code == moved.status_code == 404
    assert other_clinic.status_code == 404
    assert bobs_list.json()["items"] == []
    assert [a["id"] for a in alices_list.json()["items"]] == [mine["id"]]
    assert [a["id"] for a in clinic_list.json()["items"]] == [mine["id"]]
    assert (await calendar.client.get(url, headers=calendar.patient(alice))).status_code == 200
