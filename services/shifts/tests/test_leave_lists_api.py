"""Who sees which leave: one by one and in lists, filtered and paged; patients see none."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest

from .conftest import Kibera, Network
from .leave_support import PROBLEM, days, request_leave, requested


async def _mine_and_theirs(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> dict[str, str]:
    """Dr Otieno's leave ("mine") and Wanjiru's ("theirs"); Mathare, with its admin, nearby."""
    await network.clinic("Mathare", "Africa/Nairobi")
    await network.staff("Mathare Admin", ("clinic_admin", "Mathare"))
    mine = await requested(client, kibera["doctor"], kibera["clinic"], **days("2026-12-07"))
    theirs = await requested(client, network.as_("Wanjiru"), kibera["clinic"], **days("2026-12-14"))
    return {"mine": mine["id"], "theirs": theirs["id"]}


def _headers(network: Network, who: str) -> dict[str, str]:
    return network.org_admin() if who == "Org Admin" else network.as_(who)


def _params(network: Network, filters: dict[str, str]) -> dict[str, str]:
    """Filters naming people and clinics, with their ids."""
    params = dict(filters)
    if "staff_id" in filters:
        params["staff_id"] = str(network.people[filters["staff_id"]])
    if "clinic_id" in filters:
        known = network.clinics.get(filters["clinic_id"])
        params["clinic_id"] = str(known or uuid.uuid4())
    return params


async def test_staff_do_not_see_a_colleagues_leave(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> None:
    leave = await _mine_and_theirs(client, network, kibera)

    colleague = await client.get(f"/v1/leave/{leave['theirs']}", headers=kibera["doctor"])

    assert colleague.status_code == 403


async def test_admins_of_another_clinic_do_not_see_leave_here(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> None:
    leave = await _mine_and_theirs(client, network, kibera)

    foreign_admin = await client.get(
        f"/v1/leave/{leave['mine']}", headers=network.as_("Mathare Admin")
    )

    assert foreign_admin.status_code == 403


async def test_unknown_leave_is_404(client: httpx.AsyncClient, kibera: Kibera) -> None:
    missing = await client.get(
        f"/v1/leave/{'0' * 8}-0000-4000-8000-{'0' * 12}", headers=kibera["admin"]
    )

    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("who", "filters", "expected"),
    [
        pytest.param("Dr Otieno", {}, ["mine"], id="staff: their own"),
        pytest.param("Mathare Admin", {}, [], id="another clinic's admin: none"),
        pytest.param("Admin", {}, ["mine", "theirs"], id="admin: the clinic's"),
        pytest.param("Org Admin", {}, ["mine", "theirs"], id="organisation admin: all"),
        pytest.param("Admin", {"staff_id": "Wanjiru"}, ["theirs"], id="by staff member"),
        pytest.param(
            "Admin",
            {"from": "2026-12-10T00:00:00+03:00", "to": "2026-12-20T00:00:00+03:00"},
            ["theirs"],
            id="by window",
        ),
        pytest.param("Admin", {"status": "approved"}, [], id="by status"),
        pytest.param("Dr Otieno", {"clinic_id": "Kibera"}, ["mine"], id="staff by clinic"),
    ],
)
async def test_lists_hold_ones_own_leave_and_that_of_the_clinics_one_runs(
    client: httpx.AsyncClient,
    network: Network,
    kibera: Kibera,
    who: str,
    filters: dict[str, str],
    expected: list[str],
) -> None:
    leave = await _mine_and_theirs(client, network, kibera)

    response = await client.get(
        "/v1/leave", params=_params(network, filters), headers=_headers(network, who)
    )

    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == [leave[n] for n in expected]


# Filters beyond the caller's scope are 403, not an empty page.
@pytest.mark.parametrize(
    ("who", "filters", "status"),
    [
        pytest.param("Dr Otieno", {"staff_id": "Wanjiru"}, 403, id="a colleague's leave"),
        pytest.param("Mathare Admin", {"clinic_id": "Kibera"}, 403, id="another clinic"),
        pytest.param("Mathare Admin", {"staff_id": "Wanjiru"}, 200, id="none there"),
        pytest.param("Admin", {"clinic_id": "Nowhere"}, 403, id="unknown clinic"),
    ],
)
async def test_list_filters_beyond_the_callers_scope_are_403(
    client: httpx.AsyncClient,
    network: Network,
    kibera: Kibera,
    who: str,
    filters: dict[str, str],
    status: int,
) -> None:
    await _mine_and_theirs(client, network, kibera)

    response = await client.get(
        "/v1/leave", params=_params(network, filters), headers=_headers(network, who)
    )

    assert response.status_code == status


async def test_leave_lists_page_by_start(client: httpx.AsyncClient, kibera: Kibera) -> None:
    made = []
    for day in ("2026-12-10", "2026-12-07", "2026-12-08"):
        leave = await requested(client, kibera["doctor"], kibera["clinic"], **days(day))
        made.append(leave["id"])
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/leave", params=params, headers=kibera["admin"])
        assert response.status_code == 200, response.text
        seen += [item["id"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break

    assert seen == [made[1], made[2], made[0]]


async def test_a_cursor_the_list_did_not_make_is_a_bad_request(
    client: httpx.AsyncClient, kibera: Kibera
) -> None:
    bad = await client.get("/v1/leave", params={"cursor": "bm9wZQ"}, headers=kibera["admin"])

    assert bad.status_code == 400


@pytest.mark.parametrize("call", ["request", "list", "get", "approve", "cancel"])
async def test_patients_get_403_everywhere(
    client: httpx.AsyncClient, network: Network, kibera: Kibera, call: str
) -> None:
    leave = await requested(client, kibera["doctor"], kibera["clinic"], **days("2026-12-07"))
    patient, url = network.as_("A Patient"), f"/v1/leave/{leave['id']}"
    calls: dict[str, Callable[[], Awaitable[httpx.Response]]] = {
        "request": lambda: request_leave(client, patient, kibera["clinic"], **days("2026-12-08")),
        "list": lambda: client.get("/v1/leave", headers=patient),
        "get": lambda: client.get(url, headers=patient),
        "approve": lambda: client.post(f"{url}/approve", json={}, headers=patient),
        "cancel": lambda: client.post(f"{url}/cancel", json={}, headers=patient),
    }

    response = await calls[call]()

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
