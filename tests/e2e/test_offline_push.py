"""The offline sync push through the gateway: a front desk device registers a patient and books
for them in one batch; identity and booking each apply their part, once."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime

import httpx

from .conftest import Stack, demo_clinic
from .test_booking import _first_slots
from .test_shifts import _sign_in

RECEPTION = "reception@demo.clinic"


async def test_a_device_registers_a_patient_and_books_for_them_in_one_push(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    logins = json.loads((stack.state_dir / "demo-logins.json").read_text())
    desk = await _sign_in(gateway, RECEPTION, logins[RECEPTION])
    clinic = await demo_clinic(gateway, desk)
    types = (await gateway.get("/v1/appointment-types", params={"clinic_id": clinic})).json()
    kind = next(t for t in types["items"] if t["name"] == "General consultation")
    slots = await _first_slots(gateway, clinic, kind["id"])
    assert slots, "the demo roster should offer slots"
    patient_id, appointment_id = str(uuid.uuid4()), str(uuid.uuid4())
    recorded_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    register = {
        "id": str(uuid.uuid4()),
        "seq": 1,
        "recorded_at": recorded_at,
        "kind": "register_patient",
        "args": {
            "patient_id": patient_id,
            "full_name": "Offline Patient",
            "phone": f"+25471{random.randrange(10**7):07d}",
            "preferred_language": "sw",
            "consent": {"sms": True, "whatsapp": False},
        },
    }
    book = {
        "id": str(uuid.uuid4()),
        "seq": 2,
        "recorded_at": recorded_at,
        "kind": "book",
        "depends_on": [register["id"]],
        "args": {
            "appointment_id": appointment_id,
            "type_id": kind["id"],
            "patient_id": patient_id,
            "provider_id": slots[0]["providers"][0]["id"],
            "starts_at": slots[0]["starts_at"],
            "walk_in": False,
        },
    }
    batch = {"device_id": str(uuid.uuid4()), "clinic_id": clinic, "mutations": [book, register]}

    pushed = await gateway.post("/v1/sync/push", json=batch, headers=desk)

    assert pushed.status_code == 200, pushed.text
    outcomes = pushed.json()["outcomes"]
    assert [(o["id"], o["status"]) for o in outcomes] == [
        (register["id"], "applied"),
        (book["id"], "applied"),
    ], outcomes
    assert outcomes[0]["result"]["patient_id"] == patient_id
    appointment = await gateway.get(f"/v1/appointments/{appointment_id}", headers=desk)
    assert appointment.status_code == 200, appointment.text
    assert appointment.json()["patient_id"] == patient_id
    patient = await gateway.get(f"/v1/users/{patient_id}", headers=desk)
    assert patient.json()["full_name"] == "Offline Patient"

    again = await gateway.post("/v1/sync/push", json=batch, headers=desk)
    assert again.status_code == 200, again.text
    assert [o["status"] for o in again.json()["outcomes"]] == ["applied", "applied"]
    assert again.json()["outcomes"][0]["result"] == outcomes[0]["result"]
