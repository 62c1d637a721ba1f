"""Accounts through the gateway, as a client would use them; their events reach reporting."""

from __future__ import annotations

import json

import httpx
from servicekit.local import demo

from .conftest import Stack, wait_for_facts

PASSWORD = "an e2e passphrase long enough"


async def test_the_demo_logins_work_through_the_gateway(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    logins = json.loads((stack.state_dir / "demo-logins.json").read_text())
    assert set(logins) >= {"admin@demo.clinic", "+254700000001"}
    pair = await gateway.post(
        "/v1/auth/token",
        json={"username": "admin@demo.clinic", "password": logins["admin@demo.clinic"]},
    )
    assert pair.status_code == 200, pair.text
    headers = {"Authorization": f"Bearer {pair.json()['access_token']}"}
    for name, _ in demo.CLINICS:  # the stack may hold other tests' clinics too
        found = await gateway.get("/v1/clinics", params={"name": name}, headers=headers)
        assert [c["name"] for c in found.json()["items"]] == [name]
    staff = await gateway.get("/v1/users", params={"kind": "staff"}, headers=headers)
    assert {u["email"] for u in staff.json()["items"]} >= {"dr.otieno@demo.clinic"}


async def test_a_patient_registers_signs_in_and_refreshes_through_the_gateway(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    body = {"full_name": "E2E Patient", "phone": "+254733123456", "password": PASSWORD}
    registered = await gateway.post("/v1/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    user_id = registered.json()["id"]

    login = await gateway.post(
        "/v1/auth/token", json={"username": "+254733123456", "password": PASSWORD}
    )
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = await gateway.get("/v1/me", headers=headers)
    assert me.json()["id"] == user_id
    assert (await gateway.get("/v1/me")).status_code == 401  # no token, refused at the edge
    assert (await gateway.get("/v1/users", headers=headers)).status_code == 403

    refreshed = await gateway.post(
        "/v1/auth/refresh", json={"refresh_token": login.json()["refresh_token"]}
    )
    assert refreshed.status_code == 200
    reused = await gateway.post(
        "/v1/auth/refresh", json={"refresh_token": login.json()["refresh_token"]}
    )
    assert reused.status_code == 401

    # Once, though the refresh token's reuse also revoked the session (SessionRevoked).
    assert await wait_for_facts(stack, [user_id], event_type="UserRegistered") == [user_id]


async def test_rules_are_public_a_taken_number_tells_nothing_and_admins_verify_the_log(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    policy = await gateway.get("/v1/auth/password-policy")  # no token needed
    assert policy.status_code == 200, policy.text
    assert policy.json()["min_length"] == 12

    weak = {"full_name": "Wanjiku Kamau", "phone": "+254733654321", "password": "WanjikuKamau2026"}
    refused = await gateway.post("/v1/auth/register", json=weak)
    assert refused.status_code == 422
    assert "personal_data" in [e["code"] for e in refused.json()["errors"]]

    # The demo patient's number: answered like a new registration, and nobody signs in with it.
    taken = {"full_name": "Someone Else", "phone": "+254700000001", "password": PASSWORD}
    answer = await gateway.post("/v1/auth/register", json=taken)
    assert answer.status_code == 201, answer.text
    assert answer.headers["location"] == "/v1/me"
    login = await gateway.post(
        "/v1/auth/token", json={"username": "+254700000001", "password": PASSWORD}
    )
    assert login.status_code == 401

    logins = json.loads((stack.state_dir / "demo-logins.json").read_text())
    admin = await gateway.post(
        "/v1/auth/token",
        json={"username": "admin@demo.clinic", "password": logins["admin@demo.clinic"]},
    )
    headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
    verified = await gateway.get("/v1/audit-events/verification", headers=headers)
    assert verified.status_code == 200, verified.text
    assert (verified.json()["intact"], verified.json()["complete"]) == (True, True)
    assert verified.json()["checked"] > 0
