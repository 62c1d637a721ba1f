"""Coverage: minimum staffing per role and weekday, and staffed hours against it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from servicekit.runtime import ServiceRuntime
from shifts.leave.models import APPROVED, Leave

from .conftest import Network

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
    found: list[dict[str, Any]] = [r for r in shown["roles"] if r["role"] == role]
    [role_coverage] = found
    return role_coverage


async def _kibera(network: Network) -> UUID:
    clinic = await network.clinic("Kibera", "Africa/Nairobi")
    await network.staff("Admin", ("clinic_admin", "Kibera"))
    await network.staff("Dr Otieno", ("provider", "Kibera"))
    return clinic


async def _put_minimums(
    client: httpx.AsyncClient, network: Network, clinic: UUID, minimums: list[Any]
) -> httpx.Response:
    return await client.put(
        _minimums_path(clinic), json={"minimums": minimums}, headers=network.as_("Admin")
    )


# --- minimums --------------------------------------------------------------------------------

MINIMUMS = [
    {"role": "provider", "day": "tue", "hours": 8.5},
    {"role": "provider", "day": "mon", "hours": "16"},
    {"role": "receptionist", "day": "sun", "hours": 1200},
]
STORED = [
    {"role": "provider", "day": "mon", "hours": 16.0},
    {"role": "provider", "day": "tue", "hours": 8.5},
    {"role": "receptionist", "day": "sun", "hours": 1200.0},
]


async def test_minimums_are_kept_by_role_then_weekday(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _kibera(network)

    response = await _put_minimums(client, network, clinic, MINIMUMS)

    assert response.status_code == 200, response.text
    assert response.json() == {"clinic_id": str(clinic), "minimums": STORED}


async def test_the_clinics_staff_read_its_minimums(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _kibera(network)
    await _put_minimums(client, network, clinic, MINIMUMS)

    response = await client.get(_minimums_path(clinic), headers=network.as_("Dr Otieno"))

    assert response.status_code == 200, response.text
    assert response.json()["minimums"] == STORED


async def test_minimums_are_replaced_wholesale(client: httpx.AsyncClient, network: Network) -> None:
    clinic = await _kibera(network)
    await _put_minimums(client, network, clinic, MINIMUMS)
    one = [{"role": "clinic_admin", "day": "fri", "hours": 0.25}]

    response = await _put_minimums(client, network, clinic, one)

    assert response.status_code == 200, response.text
    response = await client.get(_minimums_path(clinic), headers=network.as_("Admin"))
    assert response.json()["minimums"] == one


async def test_no_minimums_clear_them(client: httpx.AsyncClient, network: Network) -> None:
    clinic = await _kibera(network)
    await _put_minimums(client, network, clinic, MINIMUMS)

    response = await _put_minimums(client, network, clinic, [])

    assert response.json()["minimums"] == []


PROVIDER_MON = {"role": "provider", "day": "mon", "hours": 8}


@pytest.mark.parametrize(
    "minimums",
    [
        pytest.param([PROVIDER_MON, {**PROVIDER_MON, "hours": 4}], id="a day twice"),
        pytest.param([{**PROVIDER_MON, "hours": 0}], id="no hours"),
        pytest.param([{**PROVIDER_MON, "hours": -1}], id="negative hours"),
        pytest.param([{**PROVIDER_MON, "hours": 1200.01}], id="too many hours"),
        pytest.param([{**PROVIDER_MON, "hours": "8.125"}], id="below a hundredth"),
        pytest.param([{**PROVIDER_MON, "day": "monday"}], id="unknown day"),
        pytest.param([{**PROVIDER_MON, "role": "patient"}], id="unknown role"),
        pytest.param([{"role": "provider", "day": "mon"}], id="hours missing"),
        pytest.param([{**PROVIDER_MON, "extra": True}], id="extra field"),
        pytest.param(
            [
                {"role": r, "day": d, "hours": 1}
                for r in ("provider", "receptionist")
                for d in WEEKDAYS
            ]
            * 2,
            id="too many",
        ),
    ],
)
async def test_invalid_minimums_are_422_and_keep_nothing(
    client: httpx.AsyncClient, network: Network, minimums: list[Any]
) -> None:
    clinic = await _kibera(network)

    response = await _put_minimums(client, network, clinic, minimums)

    assert response.status_code == 422, (minimums, response.text)
    response = await client.get(_minimums_path(clinic), headers=network.as_("Admin"))
    assert response.json()["minimums"] == []


# --- staffed hours ---------------------------------------------------------------------------


async def _day_and_night(client: httpx.AsyncClient, network: Network) -> tuple[UUID, date]:
    """Dr Otieno's 08:00-17:00 shift with a lunch break and Wanjiru's night after it."""
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    wanjiru = await network.staff("Wanjiru", ("receptionist", "Kibera"))
    day = _next_week()
    shift = {
        "clinic_id": str(clinic),
        "staff_id": str(network.people["Dr Otieno"]),
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
    return clinic, day


def _two_days(day: date) -> dict[str, str]:
    return {"from": str(day), "to": str(day + timedelta(days=1))}


async def _sixteen_provider_hours(
    client: httpx.AsyncClient, network: Network, clinic: UUID, day: date
) -> None:
    minimums = [{"role": "provider", "day": WEEKDAYS[day.weekday()], "hours": 16}]
    response = await _put_minimums(client, network, clinic, minimums)
    assert response.status_code == 200, response.text


async def test_staffed_hours_are_shift_time_less_breaks(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic, day = await _day_and_night(client, network)
    window = _two_days(day)

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


async def test_a_day_short_of_its_minimum_says_by_how_much(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic, day = await _day_and_night(client, network)
    await _sixteen_provider_hours(client, network, clinic, day)

    coverage = await _coverage(client, network.as_("Admin"), clinic, **_two_days(day))

    provider = _role(coverage, day, "provider")
    assert (provider["staffed_hours"], provider["minimum_hours"]) == (8.0, 16.0)
    assert (provider["gap_hours"], provider["short"]) == (8.0, True)
    assert coverage["short_days"] == [{"date": str(day), "gap_hours": 8.0, "roles": ["provider"]}]
    assert coverage["total_gap_hours"] == 8.0
    assert [d["short"] for d in coverage["days"]] == [True, False]


async def test_leave_over_a_break_is_taken_out_once(
    client: httpx.AsyncClient, network: Network, runtime: ServiceRuntime
) -> None:
    clinic, day = await _day_and_night(client, network)
    await _sixteen_provider_hours(client, network, clinic, day)
    otieno = network.people["Dr Otieno"]

    # 11:00-14:00 less the 12:00-13:00 break.
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

    coverage = await _coverage(client, network.as_("Admin"), clinic, **_two_days(day))

    provider = _role(coverage, day, "provider")
    assert (provider["staffed_hours"], provider["gap_hours"]) == (6.0, 10.0)


async def test_minimums_do_not_apply_on_closed_days(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    day = _next_week()
    minimums = [{"role": "receptionist", "day": d, "hours": 8} for d in WEEKDAYS]
    response = await _put_minimums(client, network, clinic, minimums)
    assert response.status_code == 200, response.text
    closure = {"first_day": str(day), "last_day": str(day), "name": "Jamhuri Day"}
    response = await client.post(f"/v1/clinics/{clinic}/closures", json=closure, headers=admin)
    assert response.status_code == 201, response.text

    coverage = await _coverage(client, admin, clinic, **_two_days(day))

    assert [(d["closed"], d["short"]) for d in coverage["days"]] == [(True, False), (False, True)]
    assert _role(coverage, day, "receptionist")["minimum_hours"] == 0.0
    assert [d["date"] for d in coverage["short_days"]] == [str(day + timedelta(days=1))]


# --- the days asked for ----------------------------------------------------------------------


def _nairobi_today() -> date:
    return (datetime.now(UTC) + timedelta(hours=3)).date()


async def test_coverage_defaults_to_the_coming_week(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _kibera(network)
    today = _nairobi_today()

    coverage = await _coverage(client, network.as_("Admin"), clinic)

    assert (coverage["first_day"], coverage["last_day"]) == (
        str(today),
        str(today + timedelta(days=6)),
    )
    assert len(coverage["days"]) == 7
    assert all(len(d["roles"]) == 3 and not d["short"] for d in coverage["days"])
    assert coverage["days"][0]["day"] == WEEKDAYS[today.weekday()]


async def test_coverage_spans_up_to_93_days(client: httpx.AsyncClient, network: Network) -> None:
    clinic = await _kibera(network)
    today = _nairobi_today()
    longest = {"from": str(today), "to": str(today + timedelta(days=92))}

    coverage = await _coverage(client, network.as_("Admin"), clinic, **longest)

    assert len(coverage["days"]) == 93


@pytest.mark.parametrize(
    "last", [pytest.param(93, id="94 days"), pytest.param(-1, id="ends before it starts")]
)
async def test_coverage_refuses_long_or_backward_ranges(
    client: httpx.AsyncClient, network: Network, last: int
) -> None:
    clinic = await _kibera(network)
    today = _nairobi_today()
    params = {"from": str(today), "to": str(today + timedelta(days=last))}

    response = await client.get(
        f"/v1/clinics/{clinic}/coverage", params=params, headers=network.as_("Admin")
    )

    assert response.status_code == 400, response.text
    assert response.json()["type"] == "urn:clinic:problem:bad-range"


async def test_coverage_of_a_day_that_is_not_a_date_is_422(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _kibera(network)

    response = await client.get(
        f"/v1/clinics/{clinic}/coverage", params={"from": "soon"}, headers=network.as_("Admin")
    )

    assert response.status_code == 422, response.text


# --- who may see and set ---------------------------------------------------------------------

MINIMUM = {"minimums": [{"role": "provider", "day": "mon", "hours": 8}]}


async def _kibera_and_mathare(network: Network) -> UUID:
    clinic = await _kibera(network)
    await network.clinic("Mathare")
    await network.staff("Mathare Admin", ("clinic_admin", "Mathare"))
    return clinic


@pytest.mark.parametrize("who", ["A Patient", "Mathare Admin"])
@pytest.mark.parametrize("what", ["coverage", "coverage/minimums"])
async def test_only_the_clinics_staff_see_its_coverage_and_minimums(
    client: httpx.AsyncClient, network: Network, who: str, what: str
) -> None:
    clinic = await _kibera_and_mathare(network)
    path = f"/v1/clinics/{clinic}/{what}"

    response = await client.get(path, headers=network.as_(who))

    assert response.status_code == 403, (who, path, response.text)


@pytest.mark.parametrize("who", ["A Patient", "Mathare Admin", "Dr Otieno"])
async def test_only_admins_set_minimums(
    client: httpx.AsyncClient, network: Network, who: str
) -> None:
    clinic = await _kibera_and_mathare(network)

    response = await client.put(_minimums_path(clinic), json=MINIMUM, headers=network.as_(who))

    assert response.status_code == 403, (who, response.text)


async def test_coverage_needs_a_token(client: httpx.AsyncClient, network: Network) -> None:
    clinic = await _kibera(network)

    response = await client.get(f"/v1/clinics/{clinic}/coverage")

    assert response.status_code == 401, response.text


async def test_organisation_admins_set_minimums(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _kibera(network)

    response = await client.put(_minimums_path(clinic), json=MINIMUM, headers=network.org_admin())

    assert response.status_code == 200, response.text


async def test_an_unknown_clinic_has_no_coverage(
    client: httpx.AsyncClient, network: Network
) -> None:
    response = await client.get(f"/v1/clinics/{UUID(int=7)}/coverage", headers=network.org_admin())

    assert response.status_code == 404, response.text


async def test_an_unknown_clinic_has_no_minimums_to_set(
    client: httpx.AsyncClient, network: Network
) -> None:
    response = await client.put(
        _minimums_path(UUID(int=7)), json=MINIMUM, headers=network.org_admin()
    )

    assert response.status_code == 404, response.text
