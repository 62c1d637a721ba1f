"""Leave requests: in the clinic's local days or as instants, never overlapping, by whom."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from .conftest import Kibera, Network
from .leave_support import PROBLEM, at, days, request_leave, requested


async def test_leave_by_local_days_runs_midnight_to_midnight_in_the_clinics_zone(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await network.clinic("Pune", "Asia/Kolkata")
    nurse = await network.staff("Asha", ("provider", "Pune"))

    response = await request_leave(
        client, network.as_("Asha"), clinic, **days("2026-12-07", "2026-12-09"), reason="Wedding"
    )

    assert response.status_code == 201, response.text
    leave = response.json()
    assert response.headers["Location"] == f"/v1/leave/{leave['id']}"
    assert (leave["status"], leave["staff_id"], leave["requested_by"], leave["staff_name"]) == (
        "requested",
        str(nurse),
        str(nurse),
        "Asha",
    )
    assert (leave["starts_at"], leave["ends_at"]) == (
        "2026-12-07T00:00:00+05:30",
        "2026-12-10T00:00:00+05:30",
    )
    assert at(leave["starts_at"]) == datetime(2026, 12, 6, 18, 30, tzinfo=UTC)
    assert at(leave["ends_at"]) == datetime(2026, 12, 9, 18, 30, tzinfo=UTC)
    shown = await client.get(response.headers["Location"], headers=network.as_("Asha"))
    assert shown.status_code == 200, shown.text
    assert shown.json() | {"affected_shifts": None} == leave
    assert shown.json()["affected_shifts"] == []


async def test_instants_are_kept_and_shown_in_the_clinics_zone(
    client: httpx.AsyncClient, kibera: Kibera
) -> None:
    leave = await requested(
        client,
        kibera["doctor"],
        kibera["clinic"],
        kind="training",
        starts_at="2026-12-07T06:00:00Z",
        ends_at="2026-12-07T10:30:00Z",
    )

    assert (leave["kind"], leave["starts_at"], leave["ends_at"]) == (
        "training",
        "2026-12-07T09:00:00+03:00",
        "2026-12-07T13:30:00+03:00",
    )


async def test_a_full_year_of_days_is_allowed(client: httpx.AsyncClient, kibera: Kibera) -> None:
    leave = await requested(
        client, kibera["doctor"], kibera["clinic"], **days("2027-01-01", "2027-12-31")
    )

    assert leave["ends_at"] == "2028-01-01T00:00:00+03:00"


# --- overlaps --------------------------------------------------------------------------------


async def _a_week_off(client: httpx.AsyncClient, kibera: Kibera) -> dict[str, Any]:
    return await requested(
        client, kibera["doctor"], kibera["clinic"], **days("2026-12-07", "2026-12-11")
    )


async def test_overlapping_leave_is_refused_naming_the_clash(
    client: httpx.AsyncClient, kibera: Kibera
) -> None:
    first = await _a_week_off(client, kibera)

    response = await request_leave(
        client,
        kibera["doctor"],
        kibera["clinic"],
        starts_at="2026-12-11T15:00:00+03:00",
        ends_at="2026-12-12T09:00:00+03:00",
    )

    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "urn:clinic:problem:leave-overlap"
    assert problem["clashing_leave"]["id"] == first["id"]
    assert problem["clashing_leave"]["starts_at"] == "2026-12-07T00:00:00+03:00"


async def test_a_colleague_may_be_away_on_the_same_days(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> None:
    await _a_week_off(client, kibera)

    await requested(client, network.as_("Wanjiru"), kibera["clinic"], **days("2026-12-07"))


async def test_cancelled_leave_no_longer_stands_in_the_way(
    client: httpx.AsyncClient, kibera: Kibera
) -> None:
    first = await _a_week_off(client, kibera)

    cancel = await client.post(f"/v1/leave/{first['id']}/cancel", json={}, headers=kibera["doctor"])

    assert cancel.status_code == 200, cancel.text
    await requested(client, kibera["doctor"], kibera["clinic"], **days("2026-12-11"))


# --- who may ask -----------------------------------------------------------------------------


async def test_staff_of_another_clinic_do_not_ask_for_leave_here(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> None:
    await network.clinic("Mathare", "Africa/Nairobi")
    await network.staff("Dr Kamau", ("provider", "Mathare"))

    other_clinic = await request_leave(
        client, network.as_("Dr Kamau"), kibera["clinic"], **days("2026-12-08")
    )

    assert other_clinic.status_code == 403


async def test_staff_do_not_ask_for_a_colleagues_leave(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> None:
    doctor_id = network.people["Dr Otieno"]

    for_colleague = await request_leave(
        client,
        network.as_("Wanjiru"),
        kibera["clinic"],
        staff_id=str(doctor_id),
        **days("2026-12-08"),
    )

    assert for_colleague.status_code == 403


async def test_admins_ask_for_leave_of_their_staff(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> None:
    doctor_id = network.people["Dr Otieno"]

    by_admin = await requested(
        client, kibera["admin"], kibera["clinic"], staff_id=str(doctor_id), **days("2026-12-08")
    )

    assert (by_admin["staff_id"], by_admin["requested_by"]) == (
        str(doctor_id),
        str(network.people["Admin"]),
    )


async def test_admins_do_not_ask_for_leave_of_someone_not_working_at_the_clinic(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> None:
    await network.clinic("Mathare", "Africa/Nairobi")
    await network.staff("Dr Kamau", ("provider", "Mathare"))

    for_outsider = await request_leave(
        client,
        kibera["admin"],
        kibera["clinic"],
        staff_id=str(network.people["Dr Kamau"]),
        **days("2026-12-08"),
    )

    assert for_outsider.status_code == 422, for_outsider.text
    assert for_outsider.json()["type"] == "urn:clinic:problem:staff-not-qualified"


# --- bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no range"),
        pytest.param(
            {
                "first_day": "2026-12-07",
                "last_day": "2026-12-08",
                "starts_at": "2026-12-07T08:00:00Z",
                "ends_at": "2026-12-07T09:00:00Z",
            },
            id="both forms",
        ),
        pytest.param({"first_day": "2026-12-07"}, id="half a range"),
        pytest.param({"first_day": "2026-12-08", "last_day": "2026-12-07"}, id="days reversed"),
        pytest.param({"first_day": "2026-12-01", "last_day": "2027-12-02"}, id="367 days"),
        pytest.param(
            {"starts_at": "2026-12-07T09:00:00Z", "ends_at": "2026-12-07T09:00:00Z"}, id="empty"
        ),
        pytest.param(
            {"starts_at": "2026-12-07T09:00:00", "ends_at": "2026-12-08T09:00:00"}, id="naive"
        ),
        pytest.param(
            {"starts_at": "2026-01-01T00:00:00Z", "ends_at": "2027-01-02T00:00:01Z"}, id="too long"
        ),
        pytest.param({**days("2026-12-07"), "kind": "holiday"}, id="bad kind"),
        pytest.param({**days("2026-12-07"), "reason": "x" * 501}, id="long reason"),
        pytest.param({**days("2026-12-07"), "status": "approved"}, id="extra field"),
    ],
)
async def test_invalid_requests_are_422_problems(
    client: httpx.AsyncClient, kibera: Kibera, body: dict[str, Any]
) -> None:
    response = await request_leave(client, kibera["doctor"], kibera["clinic"], **body)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:clinic:problem:validation-error"
