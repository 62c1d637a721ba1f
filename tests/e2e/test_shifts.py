"""The roster through the gateway: identity's people reach shifts over Kafka, shifts' events
reach reporting, and patients see nothing of it."""

from __future__ import annotations

import asyncio
import json
import time

from .conftest import Stack, wait_for_facts

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


async def _sign_in(gateway, username: str, password: str) -> dict[str, str]:
    pair = await gateway.post("/v1/auth/token", json={"username": username, "password": password})
    assert pair.status_code == 200, pair.text
    return {"Authorization": f"Bearer {pair.json()['access_token']}"}


async def _until_known(gateway, headers, body, deadline: float = 90.0):
    """Create the template once shifts has heard of the clinic and the provider's role."""
    end = time.monotonic() + deadline
    while True:
        response = await gateway.post("/v1/shift-templates", json=body, headers=headers)
        if response.status_code not in (404, 422) or time.monotonic() > end:
            return response
        await asyncio.sleep(0.5)


async def test_a_template_made_through_the_gateway_fills_the_roster(stack: Stack, gateway):
    logins = json.loads((stack.state_dir / "demo-logins.json").read_text())
    admin = await _sign_in(gateway, "admin@demo.clinic", logins["admin@demo.clinic"])
    staff = (await gateway.get("/v1/users", params={"kind": "staff"}, headers=admin)).json()
    doctor = next(u for u in staff["items"] if u["email"] == "dr.otieno@demo.clinic")
    [membership] = [m for m in doctor["memberships"] if m["role"] == "provider"]
    body = {
        "clinic_id": membership["clinic_id"],
        "staff_id": doctor["id"],
        "valid_from": "2026-01-05",
        "weekly": [{"day": d, "starts": "08:00", "ends": "17:00"} for d in WEEKDAYS],
    }

    created = await _until_known(gateway, admin, body)

    assert created.status_code == 201, created.text
    assert created.json()["sync"]["scheduled"] > 50
    doctor_headers = await _sign_in(
        gateway, "dr.otieno@demo.clinic", logins["dr.otieno@demo.clinic"]
    )
    week = await gateway.get(
        "/v1/shifts/roster",
        params={"clinic_id": membership["clinic_id"], "view": "week", "date": "2027-01-06"},
        headers=doctor_headers,
    )
    assert week.status_code == 200, week.text
    shift_ids = [s["id"] for day in week.json()["days"] for s in day["shifts"]]
    assert len(shift_ids) == 5
    assert sorted(await wait_for_facts(stack, shift_ids)) == sorted(shift_ids)  # once each

    patient = await _sign_in(gateway, "+254700000001", logins["+254700000001"])
    assert (await gateway.get("/v1/shifts", headers=patient)).status_code == 403
    assert (await gateway.get("/v1/shifts")).status_code == 401
