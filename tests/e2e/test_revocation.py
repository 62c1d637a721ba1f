"""Deactivation, sign-out and a revoked role take effect within seconds, everywhere: through the
gateway and in every service behind it, fed by identity's events and no call to identity.

How long each revocation took to bite (from the revoking answer to the first 401) is measured,
not asserted: the figures are printed when the module ends and written next to the stack's log
(`revocation-latency.json`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from identity.security.keys import KeyRing

from .conftest import SERVICES, Stack, demo_clinic

PASSWORD = "an e2e passphrase long enough"
DEADLINE_SECONDS = 60.0
# An authenticated read in each service: what the caller's token gets there does not matter,
# only when it turns into 401. The gateway checks a token sent on a public path too, and
# identity's JWKS route never looks at one: a 401 there is the gateway's own.
PROBES = {
    "gateway": "/.well-known/jwks.json",
    "identity": "/v1/me",
    "booking": "/v1/appointments",
    "shifts": "/v1/shifts",
    "notify": "/v1/notifications",
    "reporting": "/v1/reports/summary",
}
_numbers = itertools.count(1)
Bites = dict[str, dict[str, float]]


@pytest.fixture(scope="module")
def bites(stack: Stack) -> Iterator[Bites]:
    """Seconds from each revocation to the first 401, by case and by process."""
    found: Bites = {}
    yield found
    if not found:
        return
    gateway = [times["gateway"] for times in found.values() if "gateway" in times]
    everywhere = [max(times.values()) for times in found.values()]
    summary = {
        "cases": found,
        "gateway_median_s": statistics.median(gateway),
        "gateway_worst_s": max(gateway),
        "all_processes_median_s": statistics.median(everywhere),
        "all_processes_worst_s": max(everywhere),
    }
    (stack.state_dir.parent / "revocation-latency.json").write_text(json.dumps(summary, indent=2))
    print(f"\nrevocation latency: {json.dumps(summary, indent=2)}")


@pytest.fixture(scope="module")
async def world(stack: Stack) -> dict[str, Any]:
    """The demo organisation admin and the first demo clinic."""
    logins = json.loads((stack.state_dir / "demo-logins.json").read_text())
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as client:
        pair = await _sign_in(client, "admin@demo.clinic", logins["admin@demo.clinic"])
        admin = _bearer(pair)
        clinic = await demo_clinic(client, admin)
    return {"admin": admin, "clinic": clinic}


@pytest.fixture
async def processes(stack: Stack) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """A client for the gateway and one for each service, reached directly."""
    urls = {"gateway": stack.gateway} | {name: stack.info()[name]["url"] for name in SERVICES}
    clients = {name: httpx.AsyncClient(base_url=url, timeout=30) for name, url in urls.items()}
    yield clients
    for client in clients.values():
        await client.aclose()


async def _sign_in(client: httpx.AsyncClient, username: str, password: str) -> dict[str, Any]:
    pair = await client.post("/v1/auth/token", json={"username": username, "password": password})
    assert pair.status_code == 200, pair.text
    return dict(pair.json())


def _bearer(pair: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def _staff(gateway: httpx.AsyncClient, world: dict[str, Any], role: str) -> dict[str, Any]:
    """A new staff member with `role` in the clinic, signed in: {"id", "email", "pair", ...}."""
    email = f"revoked{next(_numbers)}-{uuid.uuid4().hex[:6]}@example.org"
    body = {
        "full_name": f"A {role}",
        "email": email,
        "password": PASSWORD,
        "memberships": [{"role": role, "clinic_id": world["clinic"]}],
    }
    created = await gateway.post("/v1/users", json=body, headers=world["admin"])
    assert created.status_code == 201, created.text
    user = dict(created.json())
    return user | {"email": email, "pair": await _sign_in(gateway, email, PASSWORD)}


async def _until_refused(
    clients: dict[str, httpx.AsyncClient], headers: dict[str, str], since: float
) -> dict[str, float]:
    """Poll the gateway and every service until each answers 401; seconds since `since`."""

    async def one(name: str) -> tuple[str, float]:
        path = PROBES[name]
        while True:
            response = await clients[name].get(path, headers=headers)
            if response.status_code == 401:
                assert response.headers["content-type"] == "application/problem+json"
                return name, time.monotonic() - since
            assert time.monotonic() - since < DEADLINE_SECONDS, f"{name} still accepts it"
            await asyncio.sleep(0.02)

    return dict(await asyncio.gather(*(one(name) for name in clients)))


async def test_a_deactivated_clinic_admin_can_no_longer_create_staff_or_rooms(
    stack: Stack, world: dict[str, Any], processes: dict[str, httpx.AsyncClient], bites: Bites
) -> None:
    gateway = processes["gateway"]
    admin = await _staff(gateway, world, "clinic_admin")
    headers = _bearer(admin["pair"])
    room = await gateway.post(
        "/v1/rooms", json={"clinic_id": world["clinic"], "name": "Before"}, headers=headers
    )
    assert room.status_code == 201, room.text  # the token works until the deactivation

    deactivated = await gateway.post(f"/v1/users/{admin['id']}/deactivate", headers=world["admin"])
    assert deactivated.status_code == 200
    bites["clinic admin deactivated"] = await _until_refused(processes, headers, time.monotonic())

    staff: dict[str, Any] = {
        "full_name": "Accomplice",
        "email": f"accomplice-{uuid.uuid4().hex[:6]}@example.org",
        "password": "a password the dismissed admin chose",
        "memberships": [{"role": "clinic_admin", "clinic_id": world["clinic"]}],
    }
    created = await gateway.post("/v1/users", json=staff, headers=headers)
    assert created.status_code == 401
    assert created.json()["reason"] == "account-deactivated"
    rooms = await gateway.post(
        "/v1/rooms", json={"clinic_id": world["clinic"], "name": "After"}, headers=headers
    )
    assert rooms.status_code == 401
    for name in ("identity", "booking"):  # behind the gateway, each service refuses it too
        direct = await processes[name].post(
            "/v1/users" if name == "identity" else "/v1/rooms",
            json=staff if name == "identity" else {"clinic_id": world["clinic"], "name": "X"},
            headers=headers,
        )
        assert direct.status_code == 401, (name, direct.text)
    listed = await gateway.get("/v1/users", params={"q": staff["email"]}, headers=world["admin"])
    assert staff["email"] not in listed.text
    names = await gateway.get(
        "/v1/rooms", params={"clinic_id": world["clinic"]}, headers=world["admin"]
    )
    assert {r["name"] for r in names.json()["items"]} >= {"Before"}
    assert not {"After", "X"} & {r["name"] for r in names.json()["items"]}


async def test_a_deactivated_receptionist_can_no_longer_read_appointments_or_users(
    world: dict[str, Any], processes: dict[str, httpx.AsyncClient], bites: Bites
) -> None:
    gateway = processes["gateway"]
    receptionist = await _staff(gateway, world, "receptionist")
    headers = _bearer(receptionist["pair"])
    clinic = {"clinic_id": world["clinic"]}
    assert (
        await gateway.get("/v1/appointments", params=clinic, headers=headers)
    ).status_code == 200
    assert (await gateway.get("/v1/users", headers=headers)).status_code == 200

    deactivated = await gateway.post(
        f"/v1/users/{receptionist['id']}/deactivate", headers=world["admin"]
    )
    assert deactivated.status_code == 200
    bites["receptionist deactivated"] = await _until_refused(processes, headers, time.monotonic())

    appointments = await gateway.get("/v1/appointments", params=clinic, headers=headers)
    users = await gateway.get("/v1/users", headers=headers)
    assert (appointments.status_code, users.status_code) == (401, 401)
    assert appointments.json()["reason"] == "account-deactivated"


async def test_a_signed_out_sessions_token_is_refused_and_the_other_session_still_works(
    world: dict[str, Any], processes: dict[str, httpx.AsyncClient], bites: Bites
) -> None:
    gateway = processes["gateway"]
    user = await _staff(gateway, world, "provider")
    other = await _sign_in(gateway, user["email"], PASSWORD)
    signed_out = _bearer(user["pair"])

    response = await gateway.post(
        "/v1/auth/logout", json={"refresh_token": user["pair"]["refresh_token"]}, headers=signed_out
    )
    assert response.status_code == 204
    bites["session signed out"] = await _until_refused(processes, signed_out, time.monotonic())

    refused = await gateway.get("/v1/me", headers=signed_out)
    assert refused.json()["reason"] == "session-revoked"
    for name, client in processes.items():
        path = "/v1/me" if name in ("gateway", "identity") else PROBES[name]
        still = await client.get(path, headers=_bearer(other))
        assert still.status_code != 401, (name, still.text)  # the same user's other session
    assert (await gateway.get("/v1/me", headers=_bearer(other))).status_code == 200


async def test_a_revoked_roles_token_is_refused_and_a_refreshed_one_works_without_it(
    world: dict[str, Any], processes: dict[str, httpx.AsyncClient], bites: Bites
) -> None:
    gateway = processes["gateway"]
    user = await _staff(gateway, world, "receptionist")
    headers = _bearer(user["pair"])
    clinic = {"clinic_id": world["clinic"]}
    assert (
        await gateway.get("/v1/appointments", params=clinic, headers=headers)
    ).status_code == 200

    membership = user["memberships"][0]["id"]
    revoked = await gateway.delete(
        f"/v1/users/{user['id']}/memberships/{membership}", headers=world["admin"]
    )
    assert revoked.status_code == 204
    bites["role revoked"] = await _until_refused(processes, headers, time.monotonic())
    assert (await gateway.get("/v1/me", headers=headers)).json()["reason"] == "role-revoked"

    refreshed = await gateway.post(
        "/v1/auth/refresh", json={"refresh_token": user["pair"]["refresh_token"]}
    )
    assert refreshed.status_code == 200
    fresh = _bearer(refreshed.json())
    assert (
        jwt.decode(refreshed.json()["access_token"], options={"verify_signature": False})["roles"]
        == []
    )
    assert (await gateway.get("/v1/me", headers=fresh)).status_code == 200
    without_role = await gateway.get("/v1/users", headers=fresh)
    assert without_role.status_code == 403  # signed in, no longer staff anywhere


async def test_a_token_expired_beyond_the_leeway_is_refused(
    stack: Stack, processes: dict[str, httpx.AsyncClient]
) -> None:
    ring = KeyRing(stack.state_dir / "keys", create_if_missing=False)
    now = datetime.now(UTC)

    def signed(expired_for: timedelta) -> dict[str, str]:
        exp = now - expired_for
        claims = {
            "iss": "clinic-identity",
            "aud": "clinic-api",
            "sub": str(uuid.uuid4()),
            "iat": (exp - timedelta(minutes=15)).timestamp(),
            "nbf": exp - timedelta(minutes=15),
            "exp": exp,
            "jti": uuid.uuid4().hex,
            "sid": str(uuid.uuid4()),
            "roles": [{"role": "org_admin", "clinic_id": None}],
        }
        token = jwt.encode(claims, ring.current.private_key, "EdDSA", {"kid": ring.current.kid})
        return {"Authorization": f"Bearer {token}"}

    # Ten seconds past exp: beyond the default 5 s leeway (the 30 s of old accepted it).
    late = signed(timedelta(seconds=10))
    for name, client in processes.items():
        response = await client.get(PROBES["identity" if name == "gateway" else name], headers=late)
        assert response.status_code == 401, (name, response.text)
        assert "expired" in response.json()["detail"]
    valid = signed(timedelta(minutes=-10))  # the same token, expiring in ten minutes
    assert (await processes["gateway"].get("/v1/clinics", headers=valid)).status_code == 200


# The stack's start-up counts against the first test's timeout; a busy machine needs minutes.
pytestmark = pytest.mark.timeout(900)
