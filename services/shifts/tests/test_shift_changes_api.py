"""Single shifts edited or cancelled by the clinic's admins, their template left alone."""

from __future__ import annotations

import uuid

import httpx
import pytest

from .conftest import Network, Staged
from .roster_support import MONDAY, at, instant, one_off


async def test_editing_one_shift_publishes_the_change(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, staged: Staged
) -> None:
    shift = (await one_off(client, network)).json()

    response = await client.patch(
        f"/v1/shifts/{shift['id']}",
        json={"starts_at": at(MONDAY, 9), "breaks": []},
        headers=network.as_("Admin"),
    )

    assert response.status_code == 200, response.text
    assert instant(response.json()["starts_at"]) == instant(at(MONDAY, 9))
    assert response.json()["modified"] is True
    [event] = await staged("ShiftChanged")
    assert event["previous_starts_at"].endswith("Z")
    assert instant(event["previous_starts_at"]) == instant(at(MONDAY, 8))


async def test_an_edit_ending_the_shift_before_it_starts_is_refused(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    shift = (await one_off(client, network)).json()

    backwards = await client.patch(
        f"/v1/shifts/{shift['id']}", json={"ends_at": at(MONDAY, 7)}, headers=network.as_("Admin")
    )

    assert backwards.status_code == 422
    assert backwards.json()["type"].endswith("invalid-shift")
    unchanged = await client.get(f"/v1/shifts/{shift['id']}", headers=network.as_("Admin"))
    assert instant(unchanged.json()["ends_at"]) == instant(at(MONDAY, 17))


async def test_an_edit_with_a_time_without_offset_is_refused(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    shift = (await one_off(client, network)).json()

    naive = await client.patch(
        f"/v1/shifts/{shift['id']}",
        json={"ends_at": "2030-01-01T10:00:00"},
        headers=network.as_("Admin"),
    )

    assert naive.status_code == 422
    unchanged = await client.get(f"/v1/shifts/{shift['id']}", headers=network.as_("Admin"))
    assert instant(unchanged.json()["ends_at"]) == instant(at(MONDAY, 17))


async def test_cancelling_a_shift_frees_the_time(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, staged: Staged
) -> None:
    shift = (await one_off(client, network)).json()

    response = await client.post(
        f"/v1/shifts/{shift['id']}/cancel",
        json={"note": "Training day"},
        headers=network.as_("Admin"),
    )
    replacement = await one_off(client, network, start=9)

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == (
        "cancelled",
        "cancelled",
    )
    assert replacement.status_code == 201
    [event] = await staged("ShiftCancelled")
    assert (event["shift_id"], event["reason"], event["note"]) == (
        shift["id"],
        "cancelled",
        "Training day",
    )


async def test_a_cancelled_shift_is_not_cancelled_again(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, staged: Staged
) -> None:
    shift = (await one_off(client, network)).json()
    cancelled = await client.post(
        f"/v1/shifts/{shift['id']}/cancel", json={}, headers=network.as_("Admin")
    )
    assert cancelled.status_code == 200, cancelled.text

    again = await client.post(
        f"/v1/shifts/{shift['id']}/cancel", json={}, headers=network.as_("Admin")
    )

    assert again.status_code == 409
    assert len(await staged("ShiftCancelled")) == 1


@pytest.mark.parametrize("person", ["Dr Patel", "Reception"])
async def test_staff_of_the_clinic_see_a_shift_but_do_not_cancel_it(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, person: str
) -> None:
    shift = (await one_off(client, network)).json()
    headers = network.as_(person)

    shown = await client.get(f"/v1/shifts/{shift['id']}", headers=headers)
    cancel = await client.post(f"/v1/shifts/{shift['id']}/cancel", json={}, headers=headers)

    assert shown.status_code == 200
    assert cancel.status_code == 403


@pytest.mark.parametrize("person", ["Elsewhere", "A Patient"])
async def test_people_outside_the_clinic_do_not_see_its_shifts(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, person: str
) -> None:
    shift = (await one_off(client, network)).json()

    response = await client.get(f"/v1/shifts/{shift['id']}", headers=network.as_(person))

    assert response.status_code == 403


async def test_a_shift_is_not_shown_without_a_token(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    shift = (await one_off(client, network)).json()

    assert (await client.get(f"/v1/shifts/{shift['id']}")).status_code == 401
