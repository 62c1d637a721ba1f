"""Creating clinics: authorization, validation, and the event committed with the row."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from clinic_contracts.envelope import decode
from identity.settings import Settings
from servicekit.auth import Membership

from .support import ORG_ADMIN, Mint, rows

NEW_CLINIC = {"name": "Kibera Health Centre", "time_zone": "Africa/Nairobi"}


async def test_an_org_admin_creates_a_clinic_and_its_event_in_one_transaction(
    client: httpx.AsyncClient, mint: Mint, settings: Settings
) -> None:
    response = await client.post("/v1/clinics", json=NEW_CLINIC, headers=mint(ORG_ADMIN))
    assert response.status_code == 201, response.text
    clinic = response.json()
    assert response.headers["location"] == f"/v1/clinics/{clinic['id']}"
    assert clinic["time_zone"] == "Africa/Nairobi"

    [(event_type, envelope)] = await rows(
        settings, "SELECT event_type, envelope FROM identity.outbox"
    )
    assert event_type == "ClinicCreated"
    assert envelope["aggregate_id"] == clinic["id"]
    assert envelope["payload"]["name"] == "Kibera Health Centre"
    assert envelope["correlation_id"] == response.headers["x-request-id"]

    fetched = await client.get(f"/v1/clinics/{clinic['id']}", headers=mint(ORG_ADMIN))
    assert fetched.json() == clinic


async def test_the_relay_publishes_the_event(
    client: httpx.AsyncClient, mint: Mint, settings: Settings
) -> None:
    response = await client.post("/v1/clinics", json=NEW_CLINIC, headers=mint(ORG_ADMIN))
    consumer = AIOKafkaConsumer(
        settings.topic("clinic.identity.v1"),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
    finally:
        await consumer.stop()
    assert decode(record.value).aggregate_id == response.json()["id"]


async def test_without_a_token_it_is_401(client: httpx.AsyncClient, settings: Settings) -> None:
    response = await client.post("/v1/clinics", json=NEW_CLINIC)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    assert await rows(settings, "SELECT * FROM identity.clinics") == []


async def test_a_clinic_admin_may_not_create_clinics(
    client: httpx.AsyncClient, mint: Mint, settings: Settings
) -> None:
    headers = mint(Membership("clinic_admin", uuid.uuid4()))
    response = await client.post("/v1/clinics", json=NEW_CLINIC, headers=headers)
    assert response.status_code == 403
    assert await rows(settings, "SELECT * FROM identity.outbox") == []


async def test_an_unknown_time_zone_is_a_field_error_and_writes_nothing(
    client: httpx.AsyncClient, mint: Mint, settings: Settings
) -> None:
    response = await client.post(
        "/v1/clinics", json={"name": "X", "time_zone": "Mars/Olympus"}, headers=mint(ORG_ADMIN)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.time_zone"
    assert await rows(settings, "SELECT * FROM identity.outbox") == []


async def test_an_unknown_clinic_is_404(client: httpx.AsyncClient, mint: Mint) -> None:
    response = await client.get(f"/v1/clinics/{uuid.uuid4()}", headers=mint(ORG_ADMIN))
    assert response.status_code == 404
    assert response.json()["type"] == "urn:clinic:problem:not-found"


FULL_CLINIC = {
    "name": "Mathare Clinic",
    "time_zone": "Africa/Nairobi",
    "address": "Juja Road, Nairobi",
    "phone": "+254 20 1234567",
    "opening_hours": [
        {"day": "mon", "opens": "08:00", "closes": "13:00"},
        {"day": "mon", "opens": "14:00", "closes": "17:00"},
    ],
    "booking_policy": {"min_notice_minutes": 120, "cancellation_cutoff_hours": 12},
}


async def test_clinic_details_hours_and_policy_are_kept(
    client: httpx.AsyncClient, mint: Mint
) -> None:
    response = await client.post("/v1/clinics", json=FULL_CLINIC, headers=mint(ORG_ADMIN))
    assert response.status_code == 201, response.text
    clinic = response.json()
    assert clinic["phone"] == "+254201234567"
    assert clinic["opening_hours"][1] == {"day": "mon", "opens": "14:00:00", "closes": "17:00:00"}
    assert clinic["booking_policy"]["min_notice_minutes"] == 120
    assert clinic["booking_policy"]["max_advance_days"] == 90  # defaults fill the rest


@pytest.mark.parametrize(
    "hours",
    [
        [
            {"day": "tue", "opens": "08:00", "closes": "12:00"},
            {"day": "tue", "opens": "11:00", "closes": "15:00"},
        ],
        [{"day": "tue", "opens": "12:00", "closes": "08:00"}],
    ],
)
async def test_overlapping_or_inverted_hours_are_refused(
    client: httpx.AsyncClient, mint: Mint, hours: list[dict[str, str]]
) -> None:
    body = {**NEW_CLINIC, "opening_hours": hours}
    response = await client.post("/v1/clinics", json=body, headers=mint(ORG_ADMIN))
    assert response.status_code == 422


CHANGE = {"address": "Ngong Road", "booking_policy": {"patient_self_booking": False}}


@pytest.fixture
async def clinic(client: httpx.AsyncClient, mint: Mint) -> dict[str, Any]:
    response = await client.post("/v1/clinics", json=NEW_CLINIC, headers=mint(ORG_ADMIN))
    return dict(response.json())


def own_admin(mint: Mint, clinic: dict[str, Any]) -> dict[str, str]:
    return mint(Membership("clinic_admin", uuid.UUID(clinic["id"])))


async def test_another_clinics_admin_may_not_change_a_clinic(
    client: httpx.AsyncClient, mint: Mint, clinic: dict[str, Any]
) -> None:
    other_admin = mint(Membership("clinic_admin", uuid.uuid4()))
    refused = await client.patch(f"/v1/clinics/{clinic['id']}", json=CHANGE, headers=other_admin)
    assert refused.status_code == 403


async def test_clinic_admins_update_their_clinic_and_clinic_updated_follows(
    client: httpx.AsyncClient, mint: Mint, settings: Settings, clinic: dict[str, Any]
) -> None:
    path = f"/v1/clinics/{clinic['id']}"
    response = await client.patch(path, json=CHANGE, headers=own_admin(mint, clinic))
    assert response.status_code == 200
    assert response.json()["address"] == "Ngong Road"
    assert response.json()["booking_policy"]["patient_self_booking"] is False

    [(payload,)] = await rows(
        settings, "SELECT envelope->'payload' FROM identity.outbox WHERE event_type='ClinicUpdated'"
    )
    assert payload["address"] == "Ngong Road"
    assert payload["name"] == NEW_CLINIC["name"]  # a full snapshot, not a diff


async def test_a_clinics_name_cannot_be_cleared(
    client: httpx.AsyncClient, mint: Mint, clinic: dict[str, Any]
) -> None:
    null_name = await client.patch(
        f"/v1/clinics/{clinic['id']}", json={"name": None}, headers=own_admin(mint, clinic)
    )
    assert null_name.status_code == 422


@pytest.fixture
async def three_clinics(client: httpx.AsyncClient, mint: Mint) -> None:
    for name in ("Cedar", "Acacia", "Baobab"):
        await client.post("/v1/clinics", json={**NEW_CLINIC, "name": name}, headers=mint(ORG_ADMIN))


async def test_clinics_are_listed_by_name_a_page_at_a_time(
    client: httpx.AsyncClient, mint: Mint, three_clinics: None
) -> None:
    patient = mint(Membership("patient"))
    first = (await client.get("/v1/clinics", params={"limit": 2}, headers=patient)).json()
    assert [c["name"] for c in first["items"]] == ["Acacia", "Baobab"]
    second = await client.get(
        "/v1/clinics", params={"limit": 2, "cursor": first["next_cursor"]}, headers=patient
    )
    assert [c["name"] for c in second.json()["items"]] == ["Cedar"]
    assert second.json()["next_cursor"] is None


async def test_clinics_are_found_by_part_of_their_name(
    client: httpx.AsyncClient, mint: Mint, three_clinics: None
) -> None:
    patient = mint(Membership("patient"))
    found = await client.get("/v1/clinics", params={"name": "bao"}, headers=patient)
    assert [c["name"] for c in found.json()["items"]] == ["Baobab"]
