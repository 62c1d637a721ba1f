"""Offline allotments: admins reserve front desk time; online booking keeps off it till released."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from booking.projection.repository import get_clinic
from booking.slots.service import reserved_starts
from booking.types.models import AppointmentType
from servicekit.auth import Membership
from servicekit.localtime import instant, zone

LONDON = zone("Europe/London")
SOON = date.today() + timedelta(days=14 - date.today().weekday())  # a Monday two weeks on
EVER = 30 * 24 * 60  # a release lead longer than SOON is away: released already


def problem(response) -> tuple[int, str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code, response.json()["type"].rsplit(":", 1)[-1]


def clock(moment: str) -> str:
    return datetime.fromisoformat(moment).astimezone(LONDON).strftime("%H:%M")


def reserve(calendar, start: time, end: time, provider=None, **fields: Any) -> dict[str, Any]:
    return {
        "clinic_id": str(calendar.id),
        "provider_id": str(provider or calendar.doctor),
        "starts_at": instant(SOON, start, LONDON).isoformat(),
        "ends_at": instant(SOON, end, LONDON).isoformat(),
        **fields,
    }


async def offered(calendar, kind, headers=None, **params: Any) -> list[str]:
    query = {
        "clinic_id": str(calendar.id),
        "type_id": kind["id"],
        "provider_id": str(calendar.doctor),
        "from": instant(SOON, time(0), LONDON).isoformat(),
        "to": instant(SOON + timedelta(days=1), time(0), LONDON).isoformat(),
        "limit": 200,
        **params,
    }
    response = await calendar.client.get("/v1/slots", params=query, headers=headers or {})
    assert response.status_code == 200, response.text
    return [clock(s["starts_at"]) for s in response.json()["items"]]


async def test_admins_reserve_time_and_the_clinics_staff_see_it(calendar):
    client, admin = calendar.client, calendar.admin()
    created = await client.post(
        "/v1/allotments", json=reserve(calendar, time(9), time(10)), headers=admin
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/v1/allotments/{body['id']}"
    starts = datetime.fromisoformat(body["starts_at"])
    assert datetime.fromisoformat(body["releases_at"]) == starts - timedelta(hours=2)

    other_admin = calendar.issuer.headers(uuid.uuid4(), Membership("clinic_admin", uuid.uuid4()))
    for headers in (calendar.patient(), calendar.receptionist(), other_admin):
        refused = await client.post(
            "/v1/allotments", json=reserve(calendar, time(11), time(12)), headers=headers
        )
        assert problem(refused) == (403, "forbidden")
    overlap = await client.post(
        "/v1/allotments", json=reserve(calendar, time(9, 30), time(11)), headers=admin
    )
    assert problem(overlap) == (409, "allotment-overlap")
    nurse = await client.post(
        "/v1/allotments",
        json=reserve(calendar, time(9, 30), time(11), calendar.nurse, release_minutes=30),
        headers=admin,
    )
    assert nurse.status_code == 201, nurse.text

    for bad in (
        reserve(calendar, time(10), time(9)),  # ends before it starts
        reserve(calendar, time(8), time(8)),
        reserve(calendar, time(18), time(23, 30))
        | {"ends_at": instant(SOON + timedelta(days=1), time(1), LONDON).isoformat()},
        reserve(calendar, time(13), time(14), uuid.uuid4()),  # not a provider here
        reserve(calendar, time(13), time(14), release_minutes=-1),
        reserve(calendar, time(13), time(14)) | {"starts_at": "2027-01-01T09:00:00"},  # no zone
    ):
        status, slug = problem(await client.post("/v1/allotments", json=bad, headers=admin))
        assert (status, slug) == (422, "validation-error"), bad

    listing = {
        "clinic_id": str(calendar.id),
        "from": instant(SOON, time(0), LONDON).isoformat(),
        "limit": 1,
    }
    first = await client.get("/v1/allotments", params=listing, headers=calendar.receptionist())
    assert first.status_code == 200, first.text
    assert [a["id"] for a in first.json()["items"]] == [body["id"]]
    second = await client.get(
        "/v1/allotments", params=listing | {"cursor": first.json()["next_cursor"]}, headers=admin
    )
    assert [a["id"] for a in second.json()["items"]] == [nurse.json()["id"]]
    assert second.json()["next_cursor"] is None
    doctor_only = await client.get(
        "/v1/allotments",
        params=listing | {"provider_id": str(calendar.nurse), "limit": 50},
        headers=admin,
    )
    assert [a["id"] for a in doctor_only.json()["items"]] == [nurse.json()["id"]]
    for headers in (calendar.patient(), other_admin):
        assert (
            problem(await client.get("/v1/allotments", params=listing, headers=headers))[0] == 403
        )

    gone = f"/v1/allotments/{body['id']}"
    assert problem(await client.delete(gone, headers=calendar.receptionist())) == (403, "forbidden")
    assert problem(await client.delete(gone, headers=other_admin)) == (404, "not-found")
    assert (await client.delete(gone, headers=admin)).status_code == 204
    assert problem(await client.delete(gone, headers=admin)) == (404, "not-found")
    left = await client.get("/v1/allotments", params=listing | {"limit": 50}, headers=admin)
    assert [a["id"] for a in left.json()["items"]] == [nurse.json()["id"]]


@pytest.fixture
async def reserved_day(calendar):
    """The doctor works 08:00-17:00; 09:00-10:00 is held for the desk, 14:00-15:00 released."""
    await calendar.shift(calendar.doctor, SOON)
    kind = await calendar.new_type()
    for body in (
        reserve(calendar, time(9), time(10)),
        reserve(calendar, time(14), time(15), release_minutes=EVER),
    ):
        response = await calendar.client.post("/v1/allotments", json=body, headers=calendar.admin())
        assert response.status_code == 201, response.text
    return kind


async def test_held_time_is_never_offered_online_and_released_time_is(
    calendar, reserved_day, runtime
):
    kind = reserved_day
    every = await offered(calendar, kind, calendar.receptionist(), reserved="include")
    assert {"09:00", "09:30", "14:00", "14:30"} <= set(every)
    held = ["09:00", "09:15", "09:30"]
    online = [s for s in every if s not in ("08:45", *held, "09:45")]  # 30 minutes each
    assert await offered(calendar, kind) == online  # anonymous
    assert await offered(calendar, kind, calendar.patient()) == online
    assert await offered(calendar, kind, calendar.receptionist()) == online  # staff by default
    assert await offered(calendar, kind, calendar.admin(), reserved="only") == held

    async with runtime.sessions() as session:  # what the sync pull sends as `reserved`
        clinic = await get_clinic(session, calendar.id)
        row = await session.get(AppointmentType, uuid.UUID(kind["id"]))
        window = (instant(SOON, time(0), LONDON), instant(SOON, time(23), LONDON))
        found = await reserved_starts(session, clinic, [row], window)
    assert [(t, p, [clock(at.isoformat()) for at in s]) for t, p, s in found] == [
        (row.id, calendar.doctor, held)
    ]

    provider = calendar.issuer.headers(calendar.doctor, Membership("provider", calendar.id))
    for headers in (calendar.patient(), provider, {}):
        query = {"clinic_id": str(calendar.id), "type_id": kind["id"], "reserved": "only"}
        refused = await calendar.client.get("/v1/slots", params=query, headers=headers)
        assert problem(refused) == (403, "forbidden")


async def test_patients_cannot_book_held_time_and_the_front_desk_can(calendar, reserved_day):
    kind, patient = reserved_day, uuid.uuid4()
    refused = await calendar.book(calendar.slot(kind, SOON, time(9, 30)), calendar.patient(patient))
    assert problem(refused) == (409, "reserved-time")
    assert "09:30" not in [clock(a["starts_at"]) for a in refused.json()["alternatives"]]
    straddling = await calendar.book(
        calendar.slot(kind, SOON, time(8, 45)), calendar.patient(patient)
    )
    assert problem(straddling) == (409, "reserved-time")
    released = await calendar.book(calendar.slot(kind, SOON, time(14)), calendar.patient(patient))
    assert released.status_code == 201, released.text

    desk = await calendar.book(
        calendar.slot(kind, SOON, time(9, 30), patient_id=str(patient)), calendar.receptionist()
    )
    assert desk.status_code == 201, desk.text
    assert await offered(calendar, kind, calendar.receptionist(), reserved="only") == ["09:00"]
