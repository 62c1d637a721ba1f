"""Coverage: minimum staffing per role and weekday, and staffed hours against it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from shifts.leave.models import APPROVED, Leave

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _next_week() -> date:
    """The same weekday next week in Nairobi, well clear of now."""
    return (datetime.now(UTC) + timedelta(hours=3)).date() + timedelta(days=7)


def _at(day: date, clock: str) -> str:
    return f"{day}T{clock}:00+03:00"


def _minimums_path(clinic: UUID) -> str:
    return f"/v1/clinics/{clinic}/coverage/minimums"


async def _coverage(
    client: httpx.AsyncClient, headers: dict[str, str], clinic: UUID, **params: str
) -> dict[str, Any]:
    response = await client.get(f"/v1/clinics/{clinic}/coverage", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _role(coverage: dict[str, Any], day: date, role: str) -> dict[str, Any]:
    [shown] = [d for d in coverage["days"] if d["date"] == str(day)]
    [found] = [r for r in shown["roles"] if r["role"] == role]
    return found


async def _kibera(network) -> UUID:
    clinic = await network.clinic("Kibera", "Africa/Nairobi")
    await network.staff("Admin", ("clinic_admin", "Kibera"))
    await network.staff("Dr Otieno", ("provider", "Kibera"))
    return clinic


async def test_minimums_are_replaced_wholesale(client, network):
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    minimums = [
        {"role": "provider", "day": "tue", "hours": 8.5},
        {"role": "provider", "day": "mon", "hours": "16"},
        {"role": "receptionist", "day": "sun", "hours": 1200},
    ]

    response = await client.put(_minimums_path(clinic), json={"minimums": minimums}, headers=admin)

    assert response.status_code == 200, response.text
    expected = [
        {"role": "provider", "day": "mon", "hours": 16.0},
        {"role": "provider", "day": "tue", "hours": 8.5},
        {"role": "receptionist", "day": "sun", "hours": 1200.0},
    ]
    assert response.json() == {"clinic_id": str(clinic), "minimums": expected}
    response = await client.get(_minimums_path(clinic), headers=network.as_("Dr Otieno"))
    assert response.status_code == 200, response.text
    assert response.json()["minimums"] == expected

    one = [{"role": "clinic_admin", "day": "fri", "hours": 0.25}]
    response = await client.put(_minimums_path(clinic), json={"minimums": one}, headers=admin)
    assert response.status_code == 200, response.text
    response = await client.get(_minimums_path(clinic), headers=admin)
    assert response.json()["minimums"] == one
    response = await client.put(_minimums_path(clinic), json={"minimums": []}, headers=admin)
    assert response.json()["minimums"] == []


async def test_invalid_minimums_are_422(client, network):
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    provider_mon = {"role": "provider", "day": "mon", "hours": 8}
    invalid: list[Any] = [
        [provider_mon, {**provider_mon, "hours": 4}],
        [{**provider_mon, "hours": 0}],
        [{**provider_mon, "hours": -1}],
        [{**provider_mon, "hours": 1200.01}],
        [{**provider_mon, "hours": "8.125"}],
        [{**provider_mon, "day": "monday"}],
        [{**provider_mon, "role": "patient"}],
        [{"role": "provider", "day": "mon"}],
        [{**provider_mon, "extra": True}],
        [{"role": r, "day": d, "hours": 1} for r in ("provider", "receptionist") for d in WEEKDAYS]
        * 2,
    ]
    for minimums in invalid:
        response = await client.put(
            _minimums_path(clinic), json={"minimums": minimums}, headers=admin
        )
        assert response.status_code == 422, (minimums, response.text)
    response = await client.get(_minimums_path(clinic), headers=admin)
    assert response.json()["minimums"] == []


async def test_staffed_hours_are_shift_time_less_breaks_and_leave(client, network, runtime):
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    otieno = network.people["Dr Otieno"]
    wanjiru = await network.staff("Wanjiru", ("receptionist", "Kibera"))
    day = _next_week()
    shift = {
        "clinic_id": str(clinic),
        "staff_id": str(otieno),
        "starts_at": _at(day, "08:00"),
        "ends_at": _at(day, "17:00"),
        "breaks": [{"starts_at": _at(day, "12:00"), "ends_at": _at(day, "13:00")}],
    }
    response = await client.post("/v1/shifts", json=shift, headers=admin)
    assert response.status_code == 201, response.text
    night = {
        "clinic_id": str(clinic),
        "staff_id": str(wanjiru),
        "role": "receptionist",
        "starts_at": _at(day, "20:00"),
        "ends_at": _at(day + timedelta(days=1), "06:00"),
    }
    response = await client.post("/v1/shifts", json=night, headers=admin)
    assert response.status_code == 201, response.text
    window = {"from": str(day), "to": str(day + timedelta(days=1))}

    coverage = await _coverage(client, network.as_("Dr Otieno"), clinic, **window)

    assert coverage["time_zone"] == "Africa/Nairobi"
    assert [d["date"] for d in coverage["days"]] == [window["from"], window["to"]]
    assert _role(coverage, day, "provider") == {
        "role": "provider",
        "staffed_hours": 8.0,
        "minimum_hours": 0.0,
        "gap_hours": 0.0,
        "short": False,
    }
    assert _role(coverage, day, "receptionist")["staffed_hours"] == 4.0
    assert _role(coverage, day + timedelta(days=1), "receptionist")["staffed_hours"] == 6.0
    assert coverage["short_days"] == []

    minimums = [{"role": "provider", "day": WEEKDAYS[day.weekday()], "hours": 16}]
    response = await client.put(_minimums_path(clinic), json={"minimums": minimums}, headers=admin)
    assert response.status_code == 200, response.text
    coverage = await _coverage(client, admin, clinic, **window)
    provider = _role(coverage, day, "provider")
    assert (provider["staffed_hours"], provider["minimum_hours"]) == (8.0, 16.0)
    assert (provider["gap_hours"], provider["short"]) == (8.0, True)
    assert coverage["short_days"] == [{"date": str(day), "gap_hours": 8.0, "roles": ["provider"]}]
    assert coverage["total_gap_hours"] == 8.0
    assert [d["short"] for d in coverage["days"]] == [True, False]

    # Leave overlapping the break is taken out once: 11:00-14:00 less the 12:00-13:00 break.
    async with runtime.sessions() as session, session.begin():
        session.add(
            Leave(
                id=uuid.uuid4(),
                staff_id=otieno,
                clinic_id=clinic,
                kind="annual",
                starts_at=datetime.fromisoformat(_at(day, "11:00")),
                ends_at=datetime.fromisoformat(_at(day, "14:00")),
                status=APPROVED,
                requested_by=otieno,
            )
        )
    coverage = await _coverage(client, admin, clinic, **window)
    provider = _role(coverage, day, "provider")
    assert (provider["staffed_hours"], provider["gap_hours"]) == (6.0, 10.0)


async def test_minimums_do_not_apply_on_closed_days(client, network):
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    day = _next_week()
    minimums = [{"role": "receptionist", "day": d, "hours": 8} for d in WEEKDAYS]
    response = await client.put(_minimums_path(clinic), json={"minimums": minimums}, headers=admin)
    assert response.status_code == 200, response.text
    closure = {"first_day": str(day), "last_day": str(day), "name": "Jamhuri Day"}
    response = await client.post(f"/v1/clinics/{clinic}/closures", json=closure, headers=admin)
    assert response.status_code == 201, response.text

    coverage = await _coverage(
        client, admin, clinic, **{"from": str(day), "to": str(day + timedelta(days=1))}
    )

    assert [(d["closed"], d["short"]) for d in coverage["days"]] == [(True, False), (False, True)]
    assert _role(coverage, day, "receptionist")["minimum_hours"] == 0.0
    assert [d["date"] for d in coverage["short_days"]] == [str(day + timedelta(days=1))]


async def test_coverage_defaults_to_a_week_and_refuses_long_ranges(client, network):
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    today = (datetime.now(UTC) + timedelta(hours=3)).date()

    coverage = await _coverage(client, admin, clinic)

    assert (coverage["first_day"], coverage["last_day"]) == (
        str(today),
        str(today + timedelta(days=6)),
    )
    assert len(coverage["days"]) == 7
    assert all(len(d["roles"]) == 3 and not d["short"] for d in coverage["days"])
    assert coverage["days"][0]["day"] == WEEKDAYS[today.weekday()]
    longest = {"from": str(today), "to": str(today + timedelta(days=92))}
    assert len((await _coverage(client, admin, clinic, **longest))["days"]) == 93
    for params in (
        {"from": str(today), "to": str(today + timedelta(days=93))},
        {"from": str(today), "to": str(today - timedelta(days=1))},
    ):
        response = await client.get(f"/v1/clinics/{clinic}/coverage", params=params, headers=admin)
        assert response.status_code == 400, response.text
        assert response.json()["type"] == "urn:clinic:problem:bad-range"
    response = await client.get(
        f"/v1/clinics/{clinic}/coverage", params={"from": "soon"}, headers=admin
    )
    assert response.status_code == 422, response.text


async def test_only_staff_see_coverage_and_only_admins_set_minimums(client, network):
    clinic = await _kibera(network)
    await network.clinic("Mathare")
    await network.staff("Mathare Admin", ("clinic_admin", "Mathare"))
    body = {"minimums": [{"role": "provider", "day": "mon", "hours": 8}]}
    coverage_path = f"/v1/clinics/{clinic}/coverage"

    for who in ("A Patient", "Mathare Admin"):
        headers = network.as_(who)
        for path in (coverage_path, _minimums_path(clinic)):
            response = await client.get(path, headers=headers)
            assert response.status_code == 403, (who, path, response.text)
    for who in ("A Patient", "Mathare Admin", "Dr Otieno"):
        response = await client.put(_minimums_path(clinic), json=body, headers=network.as_(who))
        assert response.status_code == 403, (who, response.text)
    response = await client.get(coverage_path)
    assert response.status_code == 401, response.text
    org_admin = network.org_admin()
    response = await client.put(_minimums_path(clinic), json=body, headers=org_admin)
    assert response.status_code == 200, response.text
    unknown = UUID(int=7)
    response = await client.get(f"/v1/clinics/{unknown}/coverage", headers=org_admin)
    assert response.status_code == 404, response.text
    response = await client.put(_minimums_path(unknown), json=body, headers=org_admin)
    assert response.status_code == 404, response.text
