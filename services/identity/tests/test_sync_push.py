"""POST /v1/sync/push: patients registered on a front desk device while offline, applied once."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from identity.security import passwords
from identity.settings import Settings
from servicekit.auth import Membership

from .support import ORG_ADMIN, Mint, Register, attempts, rows

PUSH = "/v1/sync/push"
RECORDED_AT = "2026-12-07T07:55:00Z"
PROBLEM = "urn:clinic:problem:"


@dataclass
class Desk:
    clinic_id: str
    other_clinic_id: str
    device_id: str
    staff: dict[str, str]  # a receptionist of clinic_id

    def batch(self, *mutations: dict[str, Any], failed: tuple[str, ...] = ()) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "clinic_id": self.clinic_id,
            "mutations": list(mutations),
            "failed": list(failed),
        }


def register_patient(seq: int, phone: str, **args: Any) -> dict[str, Any]:
    depends_on = args.pop("depends_on", [])
    return {
        "id": str(uuid.uuid4()),
        "seq": seq,
        "recorded_at": RECORDED_AT,
        "kind": "register_patient",
        "depends_on": depends_on,
        "args": {
            "patient_id": str(uuid.uuid4()),
            "full_name": "Baraka Otieno",
            "phone": phone,
            "preferred_language": "sw",
            "consent": {"sms": True, "whatsapp": False},
            **args,
        },
    }


async def events(settings: Settings, event_type: str) -> list[dict[str, Any]]:
    found = await rows(
        settings,
        "SELECT envelope FROM identity.outbox WHERE event_type = :t ORDER BY id",
        t=event_type,
    )
    return [e if isinstance(e, dict) else json.loads(e) for (e,) in found]


@pytest.fixture
async def desk(client: httpx.AsyncClient, mint: Mint) -> Desk:
    admin = mint(ORG_ADMIN)
    ids = []
    for name in ("Kisumu East", "Kisumu West"):
        body = {"name": name, "time_zone": "Africa/Nairobi"}
        response = await client.post("/v1/clinics", json=body, headers=admin)
        ids.append(response.json()["id"])
    staff = mint(Membership("receptionist", uuid.UUID(ids[0])))
    return Desk(ids[0], ids[1], str(uuid.uuid4()), staff)


async def push(client: httpx.AsyncClient, desk: Desk, body: dict[str, Any]) -> httpx.Response:
    return await client.post(PUSH, json=body, headers=desk.staff)


async def test_a_registration_is_applied_under_the_devices_id(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    mutation = register_patient(17, "+254722000111", email="baraka@example.org")
    patient_id = mutation["args"]["patient_id"]

    first = await push(client, desk, desk.batch(mutation))

    assert first.status_code == 200, first.text
    [outcome] = first.json()["outcomes"]
    assert outcome == {
        "id": mutation["id"],
        "seq": 17,
        "status": "applied",
        "result": {
            "patient_id": patient_id,
            "full_name": "Baraka Otieno",
            "phone": "+254722000111",
            "matched": False,
        },
    }
    patient = await client.get(f"/v1/users/{patient_id}", headers=desk.staff)
    assert patient.status_code == 200, patient.text
    assert (patient.json()["kind"], patient.json()["preferred_language"]) == ("patient", "sw")


async def test_a_registration_from_a_device_is_announced_and_audited_as_offline(
    client: httpx.AsyncClient, desk: Desk, settings: Settings
) -> None:
    mutation = register_patient(17, "+254722000111", email="baraka@example.org")
    patient_id = mutation["args"]["patient_id"]
    assert (await push(client, desk, desk.batch(mutation))).status_code == 200

    [registered] = await events(settings, "UserRegistered")
    assert registered["payload"]["user_id"] == patient_id
    assert registered["payload"]["consent"] == {"sms": True, "whatsapp": False}
    [audited] = await rows(
        settings,
        "SELECT action, clinic_id::text, details FROM identity.audit_events WHERE subject_id = :id",
        id=uuid.UUID(patient_id),
    )
    assert audited[:2] == ("user.registered", desk.clinic_id)
    details = audited[2] if isinstance(audited[2], dict) else json.loads(audited[2])
    assert details == {
        "origin": "offline",
        "device_id": desk.device_id,
        "mutation_id": mutation["id"],
        "recorded_at": "2026-12-07T07:55:00+00:00",
    }


async def test_the_same_batch_pushed_again_answers_the_same_and_changes_nothing(
    client: httpx.AsyncClient, desk: Desk, settings: Settings
) -> None:
    batch = desk.batch(register_patient(17, "+254722000111", email="baraka@example.org"))
    first = await push(client, desk, batch)
    again = await push(client, desk, batch)
    assert again.json() == first.json()
    assert len(await events(settings, "UserRegistered")) == 1


async def test_a_mutation_id_pushed_again_with_other_content_is_rejected(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    mutation = register_patient(17, "+254722000111", email="baraka@example.org")
    patient_id = mutation["args"]["patient_id"]
    await push(client, desk, desk.batch(mutation))

    mutation["args"]["full_name"] = "Someone Else"
    reused = await push(client, desk, desk.batch(mutation))
    [refused] = reused.json()["outcomes"]
    assert refused["status"] == "rejected"
    assert refused["problem"]["type"] == f"{PROBLEM}sync-mutation-reused"
    patient = await client.get(f"/v1/users/{patient_id}", headers=desk.staff)
    assert patient.json()["full_name"] == "Baraka Otieno"


async def test_a_patient_registered_offline_has_no_password(
    client: httpx.AsyncClient, desk: Desk, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    mutation = register_patient(5, "+254722000777", email="akinyi@example.org")
    patient_id = uuid.UUID(mutation["args"]["patient_id"])
    assert (await push(client, desk, desk.batch(mutation))).status_code == 200
    stored = await rows(
        settings, "SELECT password_hash FROM identity.users WHERE id = :id", id=patient_id
    )
    assert stored == [(None,)]

    verified: list[str] = []
    real_verify = passwords._context.verify

    def verify(secret: str, hashed: str) -> bool:
        verified.append(hashed)
        return bool(real_verify(secret, hashed))

    monkeypatch.setattr(passwords._context, "verify", verify)
    answers = [
        await client.post("/v1/auth/token", json={"username": login, "password": password})
        for login, password in (
            ("+254722000777", "a long enough passphrase"),
            ("akinyi@example.org", ""),
            ("+254799999999", "a long enough passphrase"),  # no such account
        )
    ]
    assert [a.status_code for a in answers] == [401, 401, 401]
    bodies = [{k: v for k, v in a.json().items() if k != "instance"} for a in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert len(verified) == 3  # a full verification each, so timing tells nothing
    reasons = await rows(
        settings,
        "SELECT details->>'reason' FROM identity.audit_events "
        "WHERE action = 'auth.sign_in' AND subject_id = :id",
        id=patient_id,
    )
    assert reasons == [("wrong_password",), ("wrong_password",)]


async def test_a_phone_that_has_an_account_is_matched_to_it(
    client: httpx.AsyncClient, desk: Desk, settings: Settings, register: Register
) -> None:
    existing = await register(phone="+254722000222")
    mutation = register_patient(3, "+254722000222")

    response = await push(client, desk, desk.batch(mutation))

    [outcome] = response.json()["outcomes"]
    assert outcome["status"] == "applied"
    assert outcome["result"]["patient_id"] == existing["id"]
    assert outcome["result"]["matched"] is True
    device_made = await client.get(
        f"/v1/users/{mutation['args']['patient_id']}", headers=desk.staff
    )
    assert device_made.status_code == 404  # nothing created
    assert len(await events(settings, "UserRegistered")) == 1  # the existing one's
    assert await attempts(settings) == []  # no SMS to the owner about "someone" registering


async def test_invalid_and_dependent_mutations_are_rejected_and_blocked(
    client: httpx.AsyncClient, desk: Desk, settings: Settings
) -> None:
    bad = register_patient(1, "+2547")
    waits_on_bad = register_patient(2, "+254722000333", depends_on=[bad["id"]])
    earlier_failure = str(uuid.uuid4())  # a booking mutation of the batch that failed
    waits_on_booking = register_patient(3, "+254722000444", depends_on=[earlier_failure])
    fine = register_patient(4, "+254722000555")
    batch = desk.batch(bad, waits_on_bad, waits_on_booking, fine, failed=(earlier_failure,))

    response = await push(client, desk, batch)

    assert response.status_code == 200, response.text
    outcomes = response.json()["outcomes"]
    assert [o["status"] for o in outcomes] == ["rejected", "blocked", "blocked", "applied"]
    problem = outcomes[0]["problem"]
    assert (problem["type"], problem["status"]) == (f"{PROBLEM}validation-error", 422)
    assert [e["field"] for e in problem["errors"]] == ["args.phone"]
    assert outcomes[1]["blocked_by"] == bad["id"]
    assert outcomes[2]["blocked_by"] == earlier_failure
    registered = await events(settings, "UserRegistered")
    assert [e["payload"]["phone"] for e in registered] == ["+254722000555"]


@pytest.mark.parametrize("caller", ["staff elsewhere", "provider", "anonymous"])
async def test_only_front_desk_staff_of_the_clinic_may_push(
    client: httpx.AsyncClient, desk: Desk, settings: Settings, mint: Mint, caller: str
) -> None:
    batch = desk.batch(register_patient(1, "+254722000666"))
    if caller == "staff elsewhere":
        batch, headers = {**batch, "clinic_id": desk.other_clinic_id}, desk.staff
    else:
        provider = mint(Membership("provider", uuid.UUID(desk.clinic_id)))
        headers = provider if caller == "provider" else {}
    response = await client.post(PUSH, json=batch, headers=headers)
    assert response.status_code in (401, 403), response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await events(settings, "UserRegistered") == []


async def test_a_receptionist_pushing_for_another_clinic_gets_403(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    batch = desk.batch(register_patient(1, "+254722000666"))
    elsewhere = {**batch, "clinic_id": desk.other_clinic_id}
    assert (await client.post(PUSH, json=elsewhere, headers=desk.staff)).status_code == 403


def test_the_refresh_cookie_must_outlive_the_offline_time(tmp_path: Path) -> None:
    database = "postgresql+asyncpg://nobody:x@127.0.0.1:1/none"
    assert Settings(database_url=database, keys_dir=tmp_path).offline_session_hours == 72
    with pytest.raises(ValueError, match="OFFLINE_SESSION_HOURS"):
        Settings(database_url=database, keys_dir=tmp_path, offline_session_hours=31 * 24)
