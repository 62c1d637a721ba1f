"""Booking through the API: what is refused and why, retries, and what staff may do besides.

The visit's later life (reschedule, cancel, the FHIR steps, who sees it) is in
test_appointment_lifecycle.py.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from servicekit.localtime import instant
from servicekit.runtime import ServiceRuntime
from sqlalchemy import text

from .conftest import LONDON, SOON, Calendar, Staged, clock, free_starts, problem


@pytest.fixture
async def day(calendar: Calendar) -> date:
    await calendar.shift(calendar.doctor, SOON)
    return SOON


@pytest.fixture
async def kind(calendar: Calendar) -> dict[str, Any]:
    return await calendar.new_type()


async def booked_rows(runtime: ServiceRuntime) -> int:
    async with runtime.sessions() as session:
        count = await session.scalar(text("SELECT count(*) FROM booking.appointments"))
    return int(count or 0)


# --- booking a free time -----------------------------------------------------------------------


async def test_a_patient_books_an_offered_slot_which_is_then_gone(
    calendar: Calendar, day: date, kind: dict[str, Any], staged: Staged
) -> None:
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


async def test_any_provider_takes_whoever_is_free_until_nobody_is(
    calendar: Calendar, day: date, kind: dict[str, Any]
) -> None:
    await calendar.shift(calendar.nurse, day)
    anyone = calendar.slot(kind, day, time(10), provider_id=None)

    first = await calendar.book(anyone, calendar.patient())
    second = await calendar.book(anyone, calendar.patient())
    third = await calendar.book(anyone, calendar.patient())

    assert {first.json()["provider_id"], second.json()["provider_id"]} == {
        str(calendar.doctor),
        str(calendar.nurse),
    }
    assert third.status_code == 409


# --- refusals ----------------------------------------------------------------------------------


async def test_an_overlapping_range_is_refused_naming_the_clash_and_nearest_free_starts(
    calendar: Calendar, day: date
) -> None:
    kind = await calendar.new_type(buffer_after_minutes=10)
    first = await calendar.book(calendar.slot(kind, day, time(9)), calendar.patient())
    assert first.status_code == 201

    # 09:30 is not 09:00, but 09:00's visit and buffer run to 09:40.
    refused = await calendar.book(calendar.slot(kind, day, time(9, 30)), calendar.patient())

    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert body["type"].endswith(":slot-taken")
    assert body["clash"]["with"] == "provider"
    assert clock(body["clash"]["starts_at"]) == "09:00"
    assert "appointment_id" not in body["clash"]  # someone else's visit
    offered = [clock(a["starts_at"]) for a in body["alternatives"]]
    assert {"08:15", "09:45"} <= set(offered)
    assert not {"08:30", "09:00", "09:15", "09:30"} & set(offered)


async def test_a_patient_cannot_hold_two_visits_at_once(
    calendar: Calendar, day: date, kind: dict[str, Any]
) -> None:
    await calendar.shift(calendar.nurse, day)
    patient = calendar.patient()

    first = await calendar.book(calendar.slot(kind, day, time(9)), patient)
    second = await calendar.book(
        calendar.slot(kind, day, time(9, 15), provider_id=str(calendar.nurse)), patient
    )

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["clash"]["with"] == "patient"
    assert second.json()["clash"]["appointment_id"] == first.json()["id"]


async def test_a_time_outside_the_shifts_is_409_offering_the_last_free_starts(
    calendar: Calendar, day: date, kind: dict[str, Any]
) -> None:
    evening = await calendar.book(calendar.slot(kind, day, time(18)), calendar.patient())

    assert problem(evening) == (409, "slot-unavailable")
    assert clock(evening.json()["alternatives"][-1]["starts_at"]) == "16:30"


async def test_a_start_off_the_types_grid_is_422(
    calendar: Calendar, day: date, kind: dict[str, Any]
) -> None:
    off_grid = await calendar.book(calendar.slot(kind, day, time(9, 5)), calendar.patient())

    assert problem(off_grid) == (422, "off-grid")


async def test_a_start_sooner_than_the_notice_is_422(
    calendar: Calendar, day: date, kind: dict[str, Any]
) -> None:
    soon = datetime.now(UTC) + timedelta(minutes=10)
    body = calendar.slot(kind, day, time(9)) | {"starts_at": soon.isoformat()}

    too_soon = await calendar.book(body, calendar.patient())

    assert problem(too_soon) == (422, "outside-booking-window")


async def test_a_provider_who_is_not_the_clinics_is_422(
    calendar: Calendar, day: date, kind: dict[str, Any]
) -> None:
    stranger = calendar.slot(kind, day, time(9), provider_id=str(uuid.uuid4()))

    no_one = await calendar.book(stranger, calendar.patient())

    assert problem(no_one) == (422, "provider-not-eligible")


# --- retries -----------------------------------------------------------------------------------


async def test_a_retry_with_the_same_key_replays_the_first_answer(
    calendar: Calendar, day: date, kind: dict[str, Any], runtime: ServiceRuntime
) -> None:
    patient = calendar.patient() | {"Idempotency-Key": "book-0001"}

    first = await calendar.book(calendar.slot(kind, day, time(9)), patient)
    again = await calendar.book(calendar.slot(kind, day, time(9)), patient)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await booked_rows(runtime) == 1


async def test_the_same_key_with_a_different_body_is_422(
    calendar: Calendar, day: date, kind: dict[str, Any], runtime: ServiceRuntime
) -> None:
    patient = calendar.patient() | {"Idempotency-Key": "book-0001"}
    first = await calendar.book(calendar.slot(kind, day, time(9)), patient)
    assert first.status_code == 201

    other = await calendar.book(calendar.slot(kind, day, time(11)), patient)

    assert other.status_code == 422
    assert await booked_rows(runtime) == 1


# --- staff: for patients, walk-ins, overbooking ------------------------------------------------


async def test_staff_must_name_the_patient(
    calendar: Calendar, day: date, kind: dict[str, Any]
) -> None:
    nameless = await calendar.book(calendar.slot(kind, day, time(9)), calendar.receptionist())

    assert nameless.status_code == 422


async def test_staff_book_for_the_patient_they_name(
    calendar: Calendar, day: date, kind: dict[str, Any]
) -> None:
    body = calendar.slot(kind, day, time(9), patient_id=str(uuid.uuid4()))

    booked = await calendar.book(body, calendar.receptionist())

    assert booked.status_code == 201
    assert booked.json()["booked_by"] == "clinic"


async def test_a_receptionist_may_not_overbook(
    calendar: Calendar, day: date, kind: dict[str, Any]
) -> None:
    body = calendar.slot(kind, day, time(9), patient_id=str(uuid.uuid4()), overbook_reason="urgent")

    not_admin = await calendar.book(body, calendar.receptionist())

    assert not_admin.status_code == 403


async def test_an_admin_overbooks_a_taken_time_for_an_audited_reason(
    calendar: Calendar, day: date, kind: dict[str, Any], runtime: ServiceRuntime
) -> None:
    taken = calendar.slot(kind, day, time(9), patient_id=str(uuid.uuid4()))
    assert (await calendar.book(taken, calendar.receptionist())).status_code == 201
    body = taken | {"patient_id": str(uuid.uuid4()), "overbook_reason": "Urgent review"}

    overbooked = await calendar.book(body, calendar.admin())

    assert overbooked.status_code == 201, overbooked.text
    assert overbooked.json()["overbooked"] is True
    async with runtime.sessions() as session:
        reason = await session.scalar(
            text(
                "SELECT details->>'overbook_reason' FROM booking.appointment_history"
                " WHERE appointment_id = :id AND action = 'book'"
            ),
            {"id": overbooked.json()["id"]},
        )
    assert reason == "Urgent review"


async def test_a_patient_may_not_record_a_walk_in(
    calendar: Calendar, day: date, kind: dict[str, Any]
) -> None:
    walk_in = calendar.slot(kind, day, time(10), walk_in=True)

    by_patient = await calendar.book(walk_in, calendar.patient())

    assert by_patient.status_code == 403
