"""The roster by local day and week, and shift lists filtered and paged."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from .conftest import Network
from .roster_support import MONDAY, at, instant, one_off


async def _three_shifts(client: httpx.AsyncClient, network: Network) -> None:
    """Patel on Monday, Jones on Wednesday evening and on the Monday after."""
    await one_off(client, network)
    await one_off(
        client, network, staff="Dr Jones", day=MONDAY + timedelta(days=2), start=20, end=23
    )
    await one_off(client, network, staff="Dr Jones", day=MONDAY + timedelta(days=7))


async def test_the_roster_shows_a_day(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    await _three_shifts(client, network)

    day = await client.get(
        "/v1/shifts/roster",
        params={"clinic_id": str(camden), "date": MONDAY.isoformat()},
        headers=network.as_("Reception"),
    )

    assert day.status_code == 200
    assert [d["date"] for d in day.json()["days"]] == [MONDAY.isoformat()]
    assert [s["staff_name"] for s in day.json()["days"][0]["shifts"]] == ["Dr Patel"]


async def test_the_roster_shows_the_week_holding_a_day_in_local_time(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    await _three_shifts(client, network)

    week = await client.get(
        "/v1/shifts/roster",
        params={
            "clinic_id": str(camden),
            "date": (MONDAY + timedelta(days=3)).isoformat(),
            "view": "week",
        },
        headers=network.as_("Dr Patel"),
    )

    assert week.status_code == 200
    days = week.json()["days"]
    assert len(days) == 7
    assert days[0]["date"] == MONDAY.isoformat()
    assert [len(d["shifts"]) for d in days] == [1, 0, 1, 0, 0, 0, 0]
    assert instant(days[2]["shifts"][0]["starts_at"]) == instant(at(MONDAY + timedelta(days=2), 20))
    assert week.json()["time_zone"] == "Europe/London"


WINDOW = {"from": at(MONDAY, 0), "to": at(MONDAY + timedelta(days=7), 0)}


async def test_a_staff_members_shifts_come_page_by_page_by_start(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    for n in range(5):
        await one_off(client, network, day=MONDAY + timedelta(days=n))
    await one_off(client, network, staff="Dr Jones")
    patel = str(network.people["Dr Patel"])

    first = await client.get(
        "/v1/shifts", params={**WINDOW, "limit": 2, "staff_id": patel}, headers=network.as_("Admin")
    )
    second = await client.get(
        "/v1/shifts",
        params={**WINDOW, "limit": 10, "staff_id": patel, "cursor": first.json()["next_cursor"]},
        headers=network.as_("Admin"),
    )

    starts = [s["starts_at"] for s in first.json()["items"] + second.json()["items"]]
    assert starts == sorted(starts)
    assert len(starts) == 5
    assert second.json()["next_cursor"] is None


async def test_staff_of_another_clinic_see_none_of_its_shifts(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    await one_off(client, network)
    await one_off(client, network, staff="Dr Jones")

    elsewhere = await client.get("/v1/shifts", params=WINDOW, headers=network.as_("Elsewhere"))

    assert elsewhere.json()["items"] == []  # Hackney staff do not see Camden's roster


async def test_a_cursor_the_list_did_not_make_is_a_bad_request(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    bad_cursor = await client.get(
        "/v1/shifts", params={"cursor": "nonsense"}, headers=network.as_("Admin")
    )

    assert bad_cursor.status_code == 400


async def test_a_window_ending_before_it_starts_is_a_bad_request(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    backwards = await client.get(
        "/v1/shifts",
        params={"from": WINDOW["to"], "to": WINDOW["from"]},
        headers=network.as_("Admin"),
    )

    assert backwards.status_code == 400
