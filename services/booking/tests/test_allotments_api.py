"""Offline allotments: admins reserve front desk time; online booking keeps off it till released."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

import httpx
import pytest
from booking.projection.repository import get_clinic
from booking.slots.service import reserved_starts
from booking.types.models import AppointmentType
from servicekit.auth import Membership
from servicekit.localtime import instant
from servicekit.runtime import ServiceRuntime

from .conftest import LONDON, SOON, Calendar, clock

EVER = 30 * 24 * 60  # a release lead longer than SOON is away: released already
HELD = ["09:00", "09:15", "09:30"]
"""The 30-minute starts wholly inside the doctor's held 09:00-10:00."""


def problem(response: httpx.Response) -> tuple[int, str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code, response.json()["type"].rsplit(":", 1)[-1]


def reserve(
    calendar: Calendar,
    start: time,
    end: time,
    provider: uuid.UUID | None = None,
    **fields: Any,
) -> dict[str, Any]:
    return {
        "clinic_id": str(calendar.id),
        "provider_id": str(provider or calendar.doctor),
        "starts_at": instant(SOON, start, LONDON).isoformat(),
        "ends_at": instant(SOON, end, LONDON).isoformat(),
        **fields,
    }


def other_admin(calendar: Calendar) -> dict[str, str]:
    """An admin of another clinic."""
    return calendar.issuer.headers(uuid.uuid4(), Membership("clinic_admin", uuid.uuid4()))


async def offered(
    calendar: Calendar,
    kind: dict[str, Any],
    headers: dict[str, str] | None = None,
    **params: Any,
) -> list[str]:
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


async def created(calendar: Calendar, body: dict[str, Any]) -> dict[str, Any]:
    """The allotment an admin made of `body`."""
    response = await calendar.client.post("/v1/allotments", json=body, headers=calendar.admin())
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def test_an_admin_reserves_time_released_two_hours_before_it(calendar: Calendar) -> None:
    response = await calendar.client.post(
        "/v1/allotments", json=reserve(calendar, time(9), time(10)), headers=calendar.admin()
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/allotments/{body['id']}"
    starts = datetime.fromisoformat(body["starts_at"])
    assert datetime.fromisoformat(body["releases_at"]) == starts - timedelta(hours=2)


async def test_only_the_clinic_s_admins_reserve_time(calendar: Calendar) -> None:
    for headers in (calendar.patient(), calendar.receptionist(), other_admin(calendar)):
        refused = await calendar.client.post(
            "/v1/allotments", json=reserve(calendar, time(11), time(12)), headers=headers
        )
        assert problem(refused) == (403, "forbidden")


async def test_one_provider_s_reserved_time_never_overlaps(calendar: Calendar) -> None:
    await created(calendar, reserve(calendar, time(9), time(10)))

    overlap = await calendar.client.post(
        "/v1/allotments", json=reserve(calendar, time(9, 30), time(11)), headers=calendar.admin()
    )
    nurse = await calendar.client.post(
        "/v1/allotments",
        json=reserve(calendar, time(9, 30), time(11), calendar.nurse, release_minutes=30),
        headers=calendar.admin(),
    )

    assert problem(overlap) == (409, "allotment-overlap")
    assert nurse.status_code == 201, nurse.text


async def test_a_reservation_out_of_shape_is_a_field_error(calendar: Calendar) -> None:
    for bad in (
        reserve(calendar, time(10), time(9)),  # ends before it starts
        reserve(calendar, time(8), time(8)),
        reserve(calendar, time(18), time(23, 30))
        | {"ends_at": instant(SOON + timedelta(days=1), time(1), LONDON).isoformat()},
        reserve(calendar, time(13), time(14), uuid.uuid4()),  # not a provider here
        reserve(calendar, time(13), time(14), release_minutes=-1),
        reserve(calendar, time(13), time(14)) | {"starts_at": "2027-01-01T09:00:00"},  # no zone
    ):
        response = await calendar.client.post("/v1/allotments", json=bad, headers=calendar.admin())
        assert problem(response) == (422, "validation-error"), bad


@pytest.fixture
async def two_reserved(calendar: Calendar) -> tuple[str, str]:
    """The ids of the doctor's 09:00-10:00 and the nurse's 09:30-11:00 on SOON."""
    doctor = await created(calendar, reserve(calendar, time(9), time(10)))
    nurse = await created(
        calendar, reserve(calendar, time(9, 30), time(11), calendar.nurse, release_minutes=30)
    )
    return doctor["id"], nurse["id"]


def listing(calendar: Calendar, **params: Any) -> dict[str, Any]:
    """The query of the clinic's reserved time from SOON on, a page of one."""
    start = instant(SOON, time(0), LONDON).isoformat()
    return {"clinic_id": str(calendar.id), "from": start, "limit": 1} | params


async def listed(calendar: Calendar, headers: dict[str, str], **params: Any) -> httpx.Response:
    return await calendar.client.get(
        "/v1/allotments", params=listing(calendar, **params), headers=headers
    )


async def test_the_clinic_s_staff_list_reserved_time_a_page_at_a_time(
    calendar: Calendar, two_reserved: tuple[str, str]
) -> None:
    doctor, nurse = two_reserved

    first = await listed(calendar, calendar.receptionist())
    second = await listed(calendar, calendar.admin(), cursor=first.json()["next_cursor"])

    assert first.status_code == 200, first.text
    assert [a["id"] for a in first.json()["items"]] == [doctor]
    assert [a["id"] for a in second.json()["items"]] == [nurse]
    assert second.json()["next_cursor"] is None


async def test_reserved_time_is_listed_per_provider_and_only_to_the_clinic_s_staff(
    calendar: Calendar, two_reserved: tuple[str, str]
) -> None:
    _, nurse = two_reserved

    nurse_only = await listed(calendar, calendar.admin(), provider_id=str(calendar.nurse), limit=50)

    assert [a["id"] for a in nurse_only.json()["items"]] == [nurse]
    for headers in (calendar.patient(), other_admin(calendar)):
        assert problem(await listed(calendar, headers))[0] == 403


async def test_admins_give_reserved_time_back_to_online_booking(
    calendar: Calendar, two_reserved: tuple[str, str]
) -> None:
    doctor, nurse = two_reserved
    gone, admin, client = f"/v1/allotments/{doctor}", calendar.admin(), calendar.client

    assert problem(await client.delete(gone, headers=calendar.receptionist())) == (403, "forbidden")
    assert problem(await client.delete(gone, headers=other_admin(calendar))) == (404, "not-found")
    assert (await client.delete(gone, headers=admin)).status_code == 204
    assert problem(await client.delete(gone, headers=admin)) == (404, "not-found")
    left = await listed(calendar, admin, limit=50)
    assert [a["id"] for a in left.json()["items"]] == [nurse]


@pytest.fixture
async def reserved_day(calendar: Calendar) -> dict[str, Any]:
    """The doctor works 08:00-17:00; 09:00-10:00 is held for the desk, 14:00-15:00 released."""
    await calendar.shift(calendar.doctor, SOON)
    kind = await calendar.new_type()
    for body in (
        reserve(calendar, time(9), time(10)),
        reserve(calendar, time(14), time(15), release_minutes=EVER),
    ):
        await created(calendar, body)
    return kind


async def test_held_time_is_never_offered_online_and_released_time_is(
    calendar: Calendar, reserved_day: dict[str, Any]
) -> None:
    kind = reserved_day
    every = await offered(calendar, kind, calendar.receptionist(), reserved="include")
    assert {"09:00", "09:30", "14:00", "14:30"} <= set(every)
    online = [s for s in every if s not in ("08:45", *HELD, "09:45")]  # 30 minutes each
    assert await offered(calendar, kind) == online  # anonymous
    assert await offered(calendar, kind, calendar.patient()) == online
    assert await offered(calendar, kind, calendar.receptionist()) == online  # staff by default
    assert await offered(calendar, kind, calendar.admin(), reserved="only") == HELD


async def test_the_sync_pull_sends_the_starts_inside_held_time(
    calendar: Calendar, reserved_day: dict[str, Any], runtime: ServiceRuntime
) -> None:
    async with runtime.sessions() as session:  # what the sync pull sends as `reserved`
        clinic = await get_clinic(session, calendar.id)
        row = await session.get(AppointmentType, uuid.UUID(reserved_day["id"]))
        assert row is not None
        window = (instant(SOON, time(0), LONDON), instant(SOON, time(23), LONDON))
        found = await reserved_starts(session, clinic, [row], window)

    assert [(t, p, [clock(at.isoformat()) for at in s]) for t, p, s in found] == [
        (row.id, calendar.doctor, HELD)
    ]


async def test_only_the_front_desk_searches_reserved_time(
    calendar: Calendar, reserved_day: dict[str, Any]
) -> None:
    provider = calendar.issuer.headers(calendar.doctor, Membership("provider", calendar.id))
    for headers in (calendar.patient(), provider, {}):
        query = {"clinic_id": str(calendar.id), "type_id": reserved_day["id"], "reserved": "only"}
        refused = await calendar.client.get("/v1/slots", params=query, headers=headers)
        assert problem(refused) == (403, "forbidden")


async def test_patients_cannot_book_held_time(
    calendar: Calendar, reserved_day: dict[str, Any]
) -> None:
    kind, patient = reserved_day, calendar.patient()

    refused = await calendar.book(calendar.slot(kind, SOON, time(9, 30)), patient)
    straddling = await calendar.book(calendar.slot(kind, SOON, time(8, 45)), patient)

    assert problem(refused) == (409, "reserved-time")
    assert "09:30" not in [clock(a["starts_at"]) for a in refused.json()["alternatives"]]
    assert problem(straddling) == (409, "reserved-time")


async def test_patients_book_released_time(
    calendar: Calendar, reserved_day: dict[str, Any]
) -> None:
    released = await calendar.book(calendar.slot(reserved_day, SOON, time(14)), calendar.patient())

    assert released.status_code == 201, released.text


async def test_the_front_desk_books_into_held_time(
    calendar: Calendar, reserved_day: dict[str, Any]
) -> None:
    kind, desk = reserved_day, calendar.receptionist()

    booked = await calendar.book(
        calendar.slot(kind, SOON, time(9, 30), patient_id=str(uuid.uuid4())), desk
    )

    assert booked.status_code == 201, booked.text
    assert await offered(calendar, kind, desk, reserved="only") == ["09:00"]
