"""The roster through the gateway: identity's people reach shifts over Kafka, shifts' events
reach reporting, and patients see nothing of it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from .conftest import Stack, demo_clinic, wait_for_facts

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
PASSWORD = "an e2e passphrase long enough"


async def _sign_in(gateway: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    pair = await gateway.post("/v1/auth/token", json={"username": username, "password": password})
    assert pair.status_code == 200, pair.text
    return {"Authorization": f"Bearer {pair.json()['access_token']}"}


async def _until_known(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    body: dict[str, Any],
    deadline: float = 90.0,
) -> httpx.Response:
    """Create the template once shifts has heard of the clinic and the provider's role."""
    end = time.monotonic() + deadline
    while True:
        response = await gateway.post("/v1/shift-templates", json=body, headers=headers)
        if response.status_code not in (404, 422) or time.monotonic() > end:
            return response
        await asyncio.sleep(0.5)


async def test_the_demo_roster_and_a_new_template_through_the_gateway(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    logins = json.loads((stack.state_dir / "demo-logins.json").read_text())
    admin = await _sign_in(gateway, "admin@demo.clinic", logins["admin@demo.clinic"])
    clinic = await demo_clinic(gateway, admin)
    doctor = await _sign_in(gateway, "dr.otieno@demo.clinic", logins["dr.otieno@demo.clinic"])
    demo_week = await _week(gateway, doctor, clinic)
    assert {s["staff_name"] for s in demo_week} == {"Dr Peter Otieno", "Faith Reception"}
    assert len(demo_week) == 11  # the demo seeds Mon-Sat for the doctor, Mon-Fri for reception
    body = {
        "full_name": "Dr E2E Locum",
        "email": "locum@e2e.clinic",
        "password": PASSWORD,
        "memberships": [{"role": "provider", "clinic_id": clinic}],
    }
    locum = await gateway.post("/v1/users", json=body, headers=admin)
    assert locum.status_code == 201, locum.text
    template = {
        "clinic_id": clinic,
        "staff_id": locum.json()["id"],
        "valid_from": "2026-01-05",
        "weekly": [{"day": d, "starts": "18:00", "ends": "22:00"} for d in WEEKDAYS],
    }

    created = await _until_known(gateway, admin, template)

    assert created.status_code == 201, created.text
    week = await _week(gateway, doctor, clinic)
    shift_ids = [s["id"] for s in week if s["staff_id"] == locum.json()["id"]]
    assert len(shift_ids) == 5
    assert sorted(await wait_for_facts(stack, shift_ids)) == sorted(shift_ids)  # once each

    patient = await _sign_in(gateway, "+254700000001", logins["+254700000001"])
    assert (await gateway.get("/v1/shifts", headers=patient)).status_code == 403
    assert (await gateway.get("/v1/shifts")).status_code == 401


async def _week(
    gateway: httpx.AsyncClient, headers: dict[str, str], clinic: str
) -> list[dict[str, Any]]:
    response = await gateway.get(
        "/v1/shifts/roster",
        params={"clinic_id": clinic, "view": "week", "date": "2027-01-06"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return [shift for day in response.json()["days"] for shift in day["shifts"]]
