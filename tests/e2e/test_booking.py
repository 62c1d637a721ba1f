"""Booking through the gateway: public slot search over the demo roster, a patient books, the
event reaches reporting once and notify confirms it, another patient sees nothing of it, and a
cancellation frees it and is announced."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from .conftest import Stack, demo_clinic, wait_for_facts
from .test_shifts import _sign_in

PASSWORD = "an e2e passphrase long enough"


async def _first_slots(
    gateway: httpx.AsyncClient, clinic: str, type_id: str, deadline: float = 90.0
) -> list[dict[str, Any]]:
    """Free slots from three days on (past the cutoff), once booking has the demo roster."""
    end = time.monotonic() + deadline
    start = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    while True:
        response = await gateway.get(
            "/v1/slots",
            params={"clinic_id": clinic, "type_id": type_id, "from": start, "limit": 5},
        )
        assert response.status_code == 200, response.text
        if response.json()["items"] or time.monotonic() > end:
            return list(response.json()["items"])
        await asyncio.sleep(0.5)


async def test_a_patient_books_and_cancels_through_the_gateway(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    logins = json.loads((stack.state_dir / "demo-logins.json").read_text())
    patient = await _sign_in(gateway, "+254700000001", logins["+254700000001"])
    clinic = await demo_clinic(gateway, patient)
    types = (await gateway.get("/v1/appointment-types", params={"clinic_id": clinic})).json()
    kind = next(t for t in types["items"] if t["name"] == "General consultation")
    slots = await _first_slots(gateway, clinic, kind["id"])
    assert slots, "the demo roster should offer slots"
    body = {
        "clinic_id": clinic,
        "type_id": kind["id"],
        "starts_at": slots[0]["starts_at"],
        "provider_id": slots[0]["providers"][0]["id"],
    }
    key = {"Idempotency-Key": "e2e-booking-1"}

    booked = await gateway.post("/v1/appointments", json=body, headers=patient | key)
    retried = await gateway.post("/v1/appointments", json=body, headers=patient | key)

    assert booked.status_code == 201, booked.text
    assert retried.json()["id"] == booked.json()["id"]
    appointment = booked.json()["id"]
    assert await wait_for_facts(stack, [appointment]) == [appointment]  # once
    confirmation = await _notification(gateway, patient, appointment, "confirmation")
    assert confirmation["status"] == "delivered"  # the local stack's `log` provider
    assert confirmation["to"].endswith("001")
    planned, sent = (datetime.fromisoformat(confirmation[f]) for f in ("due_at", "sent_at"))
    assert planned <= sent  # the planned time is kept, not moved by the dispatcher's lease
    assert confirmation["next_attempt_at"] is None
    registered = await gateway.post(
        "/v1/auth/register",
        json={"full_name": "Other Patient", "phone": "+254700000077", "password": PASSWORD},
    )
    assert registered.status_code == 201, registered.text
    other = await _sign_in(gateway, "+254700000077", PASSWORD)
    taken = await gateway.post("/v1/appointments", json=body, headers=other)
    assert taken.status_code == 409
    assert taken.json()["alternatives"]
    url = f"/v1/appointments/{appointment}"
    assert (await gateway.get(url, headers=other)).status_code == 404
    assert (await gateway.get(url)).status_code == 401
    cancelled = await gateway.post(f"{url}/cancel", json={"reason": "e2e"}, headers=patient)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    again = await gateway.post("/v1/appointments", json=body, headers=other)
    assert again.status_code == 201, again.text
    notice = await _notification(gateway, patient, appointment, "cancelled")
    assert "cancelled" in notice["body"]
    seen_by_other = await gateway.get(
        "/v1/notifications", params={"appointment_id": appointment}, headers=other
    )
    assert seen_by_other.json()["items"] == []


async def _notification(
    gateway: httpx.AsyncClient, headers: dict[str, str], appointment: str, kind: str
) -> dict[str, Any]:
    """The patient's message of this kind about the appointment, once notify has sent it."""
    end = time.monotonic() + 60
    while True:
        response = await gateway.get(
            "/v1/notifications",
            params={"appointment_id": appointment, "kind": kind},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        sent = [m for m in response.json()["items"] if m["status"] not in ("scheduled", "sending")]
        if sent or time.monotonic() > end:
            assert sent, f"no {kind} message was sent"
            return dict(sent[0])
        await asyncio.sleep(0.5)
