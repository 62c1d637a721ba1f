"""Appointment types and slot search over the projection, through the API."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from clinic_contracts.identity import (
    BookingPolicy,
    ClinicCreated,
    MembershipGranted,
    UserRegistered,
)
from clinic_contracts.shifts import LeaveApproved, ShiftBreak, ShiftScheduled
from servicekit.auth import Membership
from servicekit.localtime import instant, zone
from servicekit.testing.fixtures import Apply
from servicekit.testing.issuer import TokenIssuer

LONDON = zone("Europe/London")
SOON = date.today() + timedelta(days=14 - date.today().weekday())  # a Monday two weeks on


@pytest.fixture
async def clinic(apply: Apply) -> dict[str, Any]:
    clinic_id, doctor, nurse = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await apply(
        ClinicCreated(clinic_id=clinic_id, name="Camden", time_zone="Europe/London"),
        UserRegistered(user_id=doctor, kind="staff", full_name="Dr Patel"),
        UserRegistered(user_id=nurse, kind="staff", full_name="Dr Jones"),
        MembershipGranted(user_id=doctor, clinic_id=clinic_id, role="provider", specialty="gp"),
        MembershipGranted(user_id=nurse, clinic_id=clinic_id, role="provider", specialty="nurse"),
    )
    return {"id": clinic_id, "doctor": doctor, "nurse": nurse}


async def shift(
    apply: Apply,
    clinic: dict[str, Any],
    staff: uuid.UUID,
    day: date,
    start: time = time(8),
    end: time = time(17),
    lunch: bool = True,
) -> None:
    starts, ends = instant(day, start, LONDON), instant(day, end, LONDON)
    breaks = [
        ShiftBreak(starts_at=instant(day, time(12), LONDON), ends_at=instant(day, time(13), LONDON))
    ]
    await apply(
        ShiftScheduled(
            shift_id=uuid.uuid4(),
            clinic_id=clinic["id"],
            staff_id=staff,
            role="provider",
            starts_at=starts,
            ends_at=ends,
            breaks=breaks if lunch else [],
            local_date=day.isoformat(),
            time_zone="Europe/London",
        )
    )


def admin(issuer: TokenIssuer, clinic: dict[str, Any]) -> dict[str, str]:
    return issuer.headers(uuid.uuid4(), Membership("clinic_admin", clinic["id"]))


async def new_type(
    client: httpx.AsyncClient, issuer: TokenIssuer, clinic: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    body = {
        "clinic_id": str(clinic["id"]),
        "name": "Consultation",
        "duration_minutes": 30,
        **fields,
    }
    response = await client.post("/v1/appointment-types", json=body, headers=admin(issuer, clinic))
    assert response.status_code == 201, response.text
    kind: dict[str, Any] = response.json()
    return kind


async def slots(
    client: httpx.AsyncClient,
    clinic: dict[str, Any],
    kind: dict[str, Any],
    day: date,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> list[dict[str, Any]]:
    query = {
        "clinic_id": str(clinic["id"]),
        "type_id": kind["id"],
        "from": instant(day, time(0), LONDON).isoformat(),
        "to": instant(day + timedelta(days=1), time(0), LONDON).isoformat(),
        "limit": 200,
        **params,
    }
    response = await client.get("/v1/slots", params=query, headers=headers or {})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def clock(slot: dict[str, Any]) -> str:
    return datetime.fromisoformat(slot["starts_at"]).strftime("%H:%M")


async def test_a_day_of_slots_around_the_lunch_break(
    client: httpx.AsyncClient, issuer: TokenIssuer, apply: Apply, clinic: dict[str, Any]
) -> None:
    await shift(apply, clinic, clinic["doctor"], SOON)
    kind = await new_type(client, issuer, clinic, buffer_after_minutes=10)

    found = await slots(client, clinic, kind, SOON)

    assert [clock(s) for s in found[:3]] == ["08:00", "08:15", "08:30"]
    starts = [clock(s) for s in found]
    assert "11:15" in starts  # ends 11:55 with its buffer, before lunch
    assert "11:30" not in starts
    assert clock(found[-1]) == "16:15"  # 16:15 + 30 min + 10 min buffer = 16:55
    assert {s["providers"][0]["name"] for s in found} == {"Dr Patel"}
    assert datetime.fromisoformat(found[0]["ends_at"]) - datetime.fromisoformat(
        found[0]["starts_at"]
    ) == timedelta(minutes=30)


async def test_any_provider_merges_and_a_specialty_filters(
    client: httpx.AsyncClient, issuer: TokenIssuer, apply: Apply, clinic: dict[str, Any]
) -> None:
    await shift(apply, clinic, clinic["doctor"], SOON, lunch=False)
    await shift(apply, clinic, clinic["nurse"], SOON, start=time(13), end=time(15), lunch=False)
    anyone = await new_type(client, issuer, clinic)
    gp_only = await new_type(client, issuer, clinic, name="GP review", specialties=["gp"])

    both = await slots(client, clinic, anyone, SOON)
    gp = await slots(client, clinic, gp_only, SOON)
    nurse = await slots(client, clinic, anyone, SOON, provider_id=str(clinic["nurse"]))

    at_two = next(s for s in both if clock(s) == "14:00")
    assert {p["name"] for p in at_two["providers"]} == {"Dr Patel", "Dr Jones"}
    assert all([p["name"] for p in s["providers"]] == ["Dr Patel"] for s in gp)
    assert [clock(s) for s in nurse] == [
        "13:00",
        "13:15",
        "13:30",
        "13:45",
        "14:00",
        "14:15",
        "14:30",
    ]


async def test_leave_removes_slots(
    client: httpx.AsyncClient, issuer: TokenIssuer, apply: Apply, clinic: dict[str, Any]
) -> None:
    await shift(apply, clinic, clinic["doctor"], SOON, lunch=False)
    await apply(
        LeaveApproved(
            leave_id=uuid.uuid4(),
            staff_id=clinic["doctor"],
            clinic_id=clinic["id"],
            starts_at=instant(SOON, time(10), LONDON),
            ends_at=instant(SOON, time(16), LONDON),
            kind="training",
        )
    )
    kind = await new_type(client, issuer, clinic, duration_minutes=60, step_minutes=60)

    assert [clock(s) for s in await slots(client, clinic, kind, SOON)] == [
        "08:00",
        "09:00",
        "16:00",
    ]


async def test_dst_day_keeps_the_local_grid(
    client: httpx.AsyncClient, issuer: TokenIssuer, apply: Apply, clinic: dict[str, Any]
) -> None:
    spring = date(2027, 3, 28)
    await shift(apply, clinic, clinic["doctor"], spring, lunch=False)
    kind = await new_type(client, issuer, clinic, duration_minutes=60, step_minutes=60)
    staff = admin(issuer, clinic)  # staff search the whole horizon

    found = await slots(client, clinic, kind, spring, headers=staff)

    assert [clock(s) for s in found] == [f"{h:02d}:00" for h in range(8, 17)]
    assert {datetime.fromisoformat(s["starts_at"]).utcoffset() for s in found} == {
        timedelta(hours=1)
    }


@pytest.fixture
async def three_types(
    client: httpx.AsyncClient, issuer: TokenIssuer, apply: Apply, clinic: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """An online type, one booked by phone only, one bookable at most 3 days ahead; the doctor
    works SOON."""
    await shift(apply, clinic, clinic["doctor"], SOON)
    return {
        "online": await new_type(client, issuer, clinic),
        "phone_only": await new_type(
            client, issuer, clinic, name="Procedure", online_bookable=False
        ),
        "far": await new_type(client, issuer, clinic, name="Near only", max_days_ahead=3),
    }


async def test_the_public_lists_the_online_bookable_types(
    client: httpx.AsyncClient, clinic: dict[str, Any], three_types: dict[str, dict[str, Any]]
) -> None:
    public = await client.get("/v1/appointment-types", params={"clinic_id": str(clinic["id"])})

    assert [t["name"] for t in public.json()["items"]] == ["Consultation", "Near only"]


async def test_the_public_finds_no_slots_of_a_type_booked_by_phone(
    client: httpx.AsyncClient, clinic: dict[str, Any], three_types: dict[str, dict[str, Any]]
) -> None:
    hidden = await client.get(
        "/v1/slots",
        params={"clinic_id": str(clinic["id"]), "type_id": three_types["phone_only"]["id"]},
    )

    assert hidden.status_code == 404


async def test_the_public_searches_within_a_type_s_horizon_and_staff_beyond_it(
    client: httpx.AsyncClient,
    issuer: TokenIssuer,
    clinic: dict[str, Any],
    three_types: dict[str, dict[str, Any]],
) -> None:
    online, far = three_types["online"], three_types["far"]

    assert await slots(client, clinic, online, SOON)
    assert await slots(client, clinic, far, SOON) == []  # beyond its 3-day horizon
    assert await slots(client, clinic, far, SOON, headers=admin(issuer, clinic))


async def test_a_clinic_booking_only_through_staff_refuses_patients(
    client: httpx.AsyncClient, issuer: TokenIssuer, apply: Apply, clinic: dict[str, Any]
) -> None:
    policy = BookingPolicy(patient_self_booking=False)
    await apply(
        ClinicCreated(
            clinic_id=clinic["id"], name="Camden", time_zone="Europe/London", booking_policy=policy
        )
    )
    kind = await new_type(client, issuer, clinic)
    patient = issuer.headers(uuid.uuid4(), Membership("patient"))
    query = {"clinic_id": str(clinic["id"]), "type_id": kind["id"]}

    assert (await client.get("/v1/slots", params=query, headers=patient)).status_code == 403
    assert (
        await client.get("/v1/slots", params=query, headers=admin(issuer, clinic))
    ).status_code == 200


async def test_only_the_clinic_s_admins_add_types(
    client: httpx.AsyncClient, issuer: TokenIssuer, clinic: dict[str, Any]
) -> None:
    provider = issuer.headers(clinic["doctor"], Membership("provider", clinic["id"]))
    body = {"clinic_id": str(clinic["id"]), "name": "X", "duration_minutes": 15}

    assert (
        await client.post("/v1/appointment-types", json=body, headers=provider)
    ).status_code == 403
    assert (await client.post("/v1/appointment-types", json=body)).status_code == 401


async def test_the_clinic_s_admins_retire_a_type_and_it_is_hidden(
    client: httpx.AsyncClient, issuer: TokenIssuer, clinic: dict[str, Any]
) -> None:
    kind = await new_type(client, issuer, clinic)
    other_admin = issuer.headers(uuid.uuid4(), Membership("clinic_admin", uuid.uuid4()))
    patch = {"active": False}

    refused = await client.patch(
        f"/v1/appointment-types/{kind['id']}", json=patch, headers=other_admin
    )
    retired = await client.patch(
        f"/v1/appointment-types/{kind['id']}", json=patch, headers=admin(issuer, clinic)
    )

    assert refused.status_code == 403
    assert retired.json()["active"] is False
    assert (await client.get(f"/v1/appointment-types/{kind['id']}")).status_code == 404


async def test_a_type_out_of_shape_is_a_field_error_per_field(
    client: httpx.AsyncClient, issuer: TokenIssuer, clinic: dict[str, Any]
) -> None:
    body = {"clinic_id": str(clinic["id"]), "name": "X", "duration_minutes": 15}

    bad = await client.post(
        "/v1/appointment-types",
        json={**body, "duration_minutes": 3, "step_minutes": 7},
        headers=admin(issuer, clinic),
    )

    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {
        "body.duration_minutes",
        "body.step_minutes",
    }


async def test_a_search_spans_at_most_31_days(
    client: httpx.AsyncClient, issuer: TokenIssuer, clinic: dict[str, Any]
) -> None:
    kind = await new_type(client, issuer, clinic)

    response = await client.get(
        "/v1/slots",
        params={
            "clinic_id": str(clinic["id"]),
            "type_id": kind["id"],
            "from": datetime.now(UTC).isoformat(),
            "to": (datetime.now(UTC) + timedelta(days=40)).isoformat(),
        },
        headers=admin(issuer, clinic),
    )

    assert response.status_code == 400
