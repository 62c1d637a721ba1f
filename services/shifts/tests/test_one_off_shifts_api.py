"""One-off shifts: scheduled and published, refused when they overlap, made once per key."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from .conftest import Network, Staged
from .roster_support import MONDAY, at, instant, one_off


async def test_a_one_off_shift_is_scheduled_and_published(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, staged: Staged
) -> None:
    breaks = [{"starts_at": at(MONDAY, 12), "ends_at": at(MONDAY, 12, 30)}]

    response = await one_off(client, network, breaks=breaks, note="Flu clinic")

    assert response.status_code == 201, response.text
    shift = response.json()
    assert response.headers["Location"] == f"/v1/shifts/{shift['id']}"
    assert instant(shift["starts_at"]) == instant(at(MONDAY, 8))
    assert (shift["worked_hours"], shift["template_id"], shift["note"]) == (8.5, None, "Flu clinic")
    [event] = await staged("ShiftScheduled")
    assert event["shift_id"] == shift["id"]
    assert event["local_date"] == MONDAY.isoformat()
    assert event["starts_at"].endswith("Z")
    got = await client.get(f"/v1/shifts/{shift['id']}", headers=network.as_("Reception"))
    assert got.json() == shift


async def test_a_one_off_shift_overlapping_another_is_refused_naming_it(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    await one_off(client, network)

    response = await one_off(client, network, start=16, end=20)

    assert response.status_code == 409
    assert instant(response.json()["clashing_shift"]["starts_at"]) == instant(at(MONDAY, 8))


async def test_a_one_off_shift_starting_as_another_ends_is_scheduled(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    await one_off(client, network)

    touching = await one_off(client, network, start=17, end=20)

    assert touching.status_code == 201


async def test_concurrent_bookings_of_one_staff_member_yield_one_shift(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID
) -> None:
    attempts = [one_off(client, network, start=8 + n, end=14) for n in range(6)]  # all share 13-14

    responses = await asyncio.gather(*attempts)

    assert sorted(r.status_code for r in responses).count(201) == 1
    assert {r.status_code for r in responses} == {201, 409}


def _keyed_body(network: Network) -> dict[str, str]:
    return {
        "clinic_id": str(network.clinics["Camden"]),
        "staff_id": str(network.people["Dr Patel"]),
        "starts_at": at(MONDAY, 8),
        "ends_at": at(MONDAY, 17),
    }


async def test_a_retried_creation_with_its_idempotency_key_makes_one_shift(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, staged: Staged
) -> None:
    headers = {**network.as_("Admin"), "Idempotency-Key": "create-monday-shift"}
    body = _keyed_body(network)

    first = await client.post("/v1/shifts", json=body, headers=headers)
    retry = await client.post("/v1/shifts", json=body, headers=headers)

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(await staged("ShiftScheduled")) == 1


async def test_an_idempotency_key_sent_again_with_another_body_is_refused(
    client: httpx.AsyncClient, network: Network, camden: uuid.UUID, staged: Staged
) -> None:
    headers = {**network.as_("Admin"), "Idempotency-Key": "create-monday-shift"}
    body = _keyed_body(network)
    first = await client.post("/v1/shifts", json=body, headers=headers)
    assert first.status_code == 201, first.text

    other = await client.post(
        "/v1/shifts", json={**body, "ends_at": at(MONDAY, 16)}, headers=headers
    )

    assert other.status_code == 422
    assert len(await staged("ShiftScheduled")) == 1
