"""Cover and swaps: a shift given to a qualified, free colleague, or two shifts' staff swapped."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from .conftest import Network, Staged
from .roster_support import MONDAY, at, one_off


async def test_a_shift_can_be_given_to_a_qualified_colleague(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, staged: Staged
) -> None:
    shift = (await one_off(client, network)).json()
    jones = str(network.people["Dr Jones"])

    response = await client.post(
        f"/v1/shifts/{shift['id']}/reassign", json={"staff_id": jones}, headers=network.as_("Admin")
    )

    assert response.status_code == 200, response.text
    assert (response.json()["staff_id"], response.json()["staff_name"]) == (jones, "Dr Jones")
    [event] = await staged("ShiftReassigned")
    assert (event["staff_id"], event["previous_staff_id"]) == (
        jones,
        str(network.people["Dr Patel"]),
    )


@pytest.mark.parametrize(
    "colleague",
    [
        pytest.param("Reception", id="another role"),
        pytest.param("Elsewhere", id="another clinic"),
    ],
)
async def test_cover_must_hold_the_shifts_role_at_its_clinic(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, colleague: str
) -> None:
    shift = (await one_off(client, network)).json()
    admin = network.as_("Admin")

    response = await client.post(
        f"/v1/shifts/{shift['id']}/reassign",
        json={"staff_id": str(network.people[colleague])},
        headers=admin,
    )

    assert response.status_code == 422
    still = await client.get(f"/v1/shifts/{shift['id']}", headers=admin)
    assert still.json()["staff_id"] == str(network.people["Dr Patel"])


async def test_cover_must_be_free_then(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    shift = (await one_off(client, network)).json()
    busy = (await one_off(client, network, staff="Dr Jones", start=15, end=19)).json()
    admin = network.as_("Admin")

    clash = await client.post(
        f"/v1/shifts/{shift['id']}/reassign",
        json={"staff_id": str(network.people["Dr Jones"])},
        headers=admin,
    )

    assert clash.status_code == 409
    assert clash.json()["clashing_shift"]["id"] == busy["id"]
    still = await client.get(f"/v1/shifts/{shift['id']}", headers=admin)
    assert still.json()["staff_id"] == str(network.people["Dr Patel"])


async def test_two_overlapping_shifts_swap_staff_in_one_step(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, staged: Staged
) -> None:
    patel = (await one_off(client, network)).json()
    jones = (await one_off(client, network, staff="Dr Jones", start=9, end=13)).json()

    response = await client.post(
        f"/v1/shifts/{patel['id']}/swap",
        json={"shift_id": jones["id"]},
        headers=network.as_("Admin"),
    )

    assert response.status_code == 200, response.text
    first, second = response.json()
    assert (first["id"], first["staff_name"]) == (patel["id"], "Dr Jones")
    assert (second["id"], second["staff_name"]) == (jones["id"], "Dr Patel")
    events = {e["shift_id"]: e for e in await staged("ShiftReassigned")}
    assert events[patel["id"]]["previous_staff_id"] == patel["staff_id"]
    assert events[jones["id"]]["previous_staff_id"] == jones["staff_id"]


async def test_a_swap_that_would_double_book_someone_changes_nothing(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    patel = (await one_off(client, network)).json()
    jones = (
        await one_off(client, network, staff="Dr Jones", day=MONDAY + timedelta(days=1))
    ).json()
    busy = (await one_off(client, network, staff="Dr Jones", start=18, end=20)).json()
    long_day = {"ends_at": at(MONDAY, 19)}
    assert (
        await client.patch(f"/v1/shifts/{patel['id']}", json=long_day, headers=network.as_("Admin"))
    ).status_code == 200

    response = await client.post(
        f"/v1/shifts/{patel['id']}/swap",
        json={"shift_id": jones["id"]},
        headers=network.as_("Admin"),
    )

    assert response.status_code == 409, response.text
    assert response.json()["clashing_shift"]["id"] == busy["id"]
    after = await client.get(f"/v1/shifts/{patel['id']}", headers=network.as_("Admin"))
    assert after.json()["staff_id"] == patel["staff_id"]


async def test_a_swap_with_someone_not_holding_the_role_changes_nothing(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    patel = (await one_off(client, network)).json()
    receptionist = (
        await one_off(client, network, staff="Reception", start=20, end=22, role="receptionist")
    ).json()

    unqualified = await client.post(
        f"/v1/shifts/{patel['id']}/swap",
        json={"shift_id": receptionist["id"]},
        headers=network.as_("Admin"),
    )

    assert unqualified.status_code == 422
    after = await client.get(f"/v1/shifts/{patel['id']}", headers=network.as_("Admin"))
    assert after.json()["staff_id"] == patel["staff_id"]
