"""Issue 16 item 4 in booking: a start near year 9999 or text with NUL is a 422, never a 500.

Each request is otherwise valid (a real clinic, type and shift), so without the shared input
guard it would reach the date arithmetic or the database.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import httpx
from servicekit.localtime import instant

from .conftest import LONDON, Calendar
from .sync_support import Staged

SOON = date.today() + timedelta(days=14 - date.today().weekday())  # a Monday two weeks on


def named(response: httpx.Response, field: str, code: str) -> bool:
    assert response.status_code == 422, response.text
    return any(e["field"] == field and e["code"] == code for e in response.json()["errors"])


async def test_a_start_near_year_9999_is_a_field_error_and_books_nothing(
    calendar: Calendar, staged: Staged
) -> None:
    await calendar.shift(calendar.doctor, SOON)
    kind = await calendar.new_type()
    patient = calendar.patient()
    for far in ("9999-12-31T23:30:00+00:00", "0001-01-01T00:00:00+05:00", "2200-01-01T09:00Z"):
        body = {**calendar.slot(kind, SOON, time(9)), "starts_at": far}
        assert named(await calendar.book(body, patient), "body.starts_at", "date_out_of_range")
    assert await staged("AppointmentBooked") == []
    booked = await calendar.book(calendar.slot(kind, SOON, time(9)), patient)
    assert booked.status_code == 201, booked.text


async def test_a_move_near_year_9999_is_a_field_error_and_keeps_the_time(
    calendar: Calendar,
) -> None:
    await calendar.shift(calendar.doctor, SOON)
    kind = await calendar.new_type()
    patient = calendar.patient()
    booked = await calendar.book(calendar.slot(kind, SOON, time(9)), patient)
    assert booked.status_code == 201, booked.text

    moved = await calendar.client.post(
        f"/v1/appointments/{booked.json()['id']}/reschedule",
        json={"starts_at": "9999-12-31T23:30:00+00:00"},
        headers=patient,
    )

    assert named(moved, "body.starts_at", "date_out_of_range")
    kept = await calendar.client.get(f"/v1/appointments/{booked.json()['id']}", headers=patient)
    assert kept.json()["starts_at"] == booked.json()["starts_at"]


async def test_slot_search_to_the_end_of_time_is_refused(calendar: Calendar) -> None:
    kind = await calendar.new_type()
    params = {
        "clinic_id": str(calendar.id),
        "type_id": kind["id"],
        "from": instant(SOON, time(0), LONDON).isoformat(),
        "to": "9999-12-31T00:00:00Z",
    }
    response = await calendar.client.get("/v1/slots", params=params)
    assert named(response, "query.to", "date_out_of_range")


async def test_a_note_with_nul_is_refused_before_anything_is_booked(
    calendar: Calendar, staged: Staged
) -> None:
    await calendar.shift(calendar.doctor, SOON)
    kind = await calendar.new_type()
    body = {**calendar.slot(kind, SOON, time(9)), "note": "bring\u0000results"}

    response = await calendar.book(body, calendar.receptionist())

    assert named(response, "body.note", "string_contains_nul")
    assert await staged("AppointmentBooked") == []


async def test_a_type_name_with_nul_is_refused_before_anything_is_written(
    calendar: Calendar,
) -> None:
    await calendar.new_type()

    typed = await calendar.client.post(
        "/v1/appointment-types",
        json={"clinic_id": str(calendar.id), "name": "X\u0000", "duration_minutes": 30},
        headers=calendar.admin(),
    )

    assert named(typed, "body.name", "string_contains_nul")
    types = await calendar.client.get(
        "/v1/appointment-types", params={"clinic_id": str(calendar.id)}, headers=calendar.admin()
    )
    assert [t["name"] for t in types.json()["items"]] == ["Consultation"]


async def test_the_longest_names_fit_their_indexes_in_the_widest_characters(
    calendar: Calendar,
) -> None:
    # Types and rooms are indexed by (clinic, name); 200 four-byte characters are 800 bytes.
    name = "\U0001f3e5" * 200
    kind = await calendar.new_type(name=name)
    assert kind["name"] == name
    room = await calendar.client.post(
        "/v1/rooms", json={"clinic_id": str(calendar.id), "name": name}, headers=calendar.admin()
    )
    assert room.status_code == 201, room.text
