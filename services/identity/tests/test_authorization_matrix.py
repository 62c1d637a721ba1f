"""Walks every identity route of the OpenAPI document against docs/authorization.yaml.

For each route and role: a caller of that role (a real account, with a token from sign-in)
calls the route on a record in its scope and expects to pass authorization; where the scope is
`own` or `clinic`, it also calls on a record outside it and expects 403 or 404; roles the
matrix leaves out expect 401 (anonymous) or 403/404.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI

from .support import ORG_ADMIN, PASSWORD, Mint, Register, SignIn

MATRIX = yaml.safe_load((Path(__file__).parents[3] / "docs" / "authorization.yaml").read_text())
DENIED = {401, 403, 404}
_numbers = itertools.count(1)


@dataclass
class Caller:
    role: str
    user_id: str | None
    username: str | None
    headers: dict[str, str]


@dataclass
class Target:
    """What one request is aimed at."""

    user_id: str
    clinic_id: str
    membership_id: str | None = None


@dataclass
class World:
    client: httpx.AsyncClient
    admin: dict[str, str]
    clinic_a: str
    clinic_b: str
    patient_phone: str
    callers: dict[str, Caller]
    read_targets: dict[tuple[str | bool, bool], Target] = field(default_factory=dict)

    async def staff_in(self, clinic_id: str) -> Target:
        email = f"walk{next(_numbers)}@example.org"
        body = {
            "full_name": "Walked Staff",
            "email": email,
            "password": PASSWORD,
            "memberships": [{"role": "receptionist", "clinic_id": clinic_id}],
        }
        user = (await self.client.post("/v1/users", json=body, headers=self.admin)).json()
        return Target(user["id"], clinic_id, user["memberships"][0]["id"])

    async def patient(self) -> Target:
        body = {"full_name": "Walked Patient", "phone": phone(), "password": PASSWORD}
        user = (await self.client.post("/v1/auth/register", json=body)).json()
        return Target(user["id"], self.clinic_a)


def phone() -> str:
    return f"+2547{next(_numbers):08d}"


Request = tuple[str, str, dict[str, Any] | None, dict[str, str]]
Builder = Callable[[World, Caller, Target], Awaitable[Request]]


def _path(template: str, target: Target) -> str:
    return template.format(
        user_id=target.user_id, clinic_id=target.clinic_id, membership_id=target.membership_id
    )


async def _body(world: World, route: str, target: Target) -> dict[str, Any] | None:
    bodies: dict[str, dict[str, Any]] = {
        "POST /v1/auth/register": {"full_name": "New", "phone": phone(), "password": PASSWORD},
        "POST /v1/auth/token": {"username": world.patient_phone, "password": PASSWORD},
        "POST /v1/auth/session": {"username": world.patient_phone, "password": PASSWORD},
        "POST /v1/auth/logout": {"refresh_token": "rt_not-a-real-one"},
        "PATCH /v1/me": {"preferred_language": "en"},
        "POST /v1/me/password": {"current_password": PASSWORD, "new_password": PASSWORD},
        "POST /v1/users": {
            "full_name": "New Staff",
            "email": f"new{next(_numbers)}@example.org",
            "password": PASSWORD,
            "memberships": [{"role": "receptionist", "clinic_id": target.clinic_id}],
        },
        "POST /v1/users/{user_id}/memberships": {"role": "provider", "clinic_id": target.clinic_id},
        "POST /v1/clinics": {"name": "Walked Clinic", "time_zone": "UTC"},
        "PATCH /v1/clinics/{clinic_id}": {"address": "1 Walk Street"},
        "POST /v1/sync/push": {
            "device_id": "6f1c2b3a-0000-4000-8000-000000000001",
            "clinic_id": target.clinic_id,
            "mutations": [],
        },
    }
    if route == "POST /v1/auth/refresh":
        pair = await world.client.post(
            "/v1/auth/token", json={"username": world.patient_phone, "password": PASSWORD}
        )
        return {"refresh_token": pair.json()["refresh_token"]}
    return bodies.get(route)


async def _web_app_headers(world: World, route: str) -> dict[str, str]:
    """What the web app sends to its session routes: its header, and the cookie a sign-in set."""
    if not route.startswith("POST /v1/auth/session"):
        return {}
    headers = {"X-Requested-With": "clinic-web"}
    if route == "POST /v1/auth/session/refresh":
        body = {"username": world.patient_phone, "password": PASSWORD}
        signed_in = await world.client.post("/v1/auth/session", json=body, headers=headers)
        cookie = SimpleCookie(signed_in.headers["set-cookie"])["clinic_refresh"].value
        headers["Cookie"] = f"clinic_refresh={cookie}"
    return headers


async def _target(
    world: World, route: str, caller: Caller, scope: str | None, inside: bool
) -> Target:
    """Fresh records for a route that may change them; shared ones for a read."""
    if not route.startswith("GET "):
        return await _fresh_target(world, caller, scope, inside)
    own_inside = scope == "own" and inside
    key = (caller.role if own_inside else scope == "own", _outside_clinic(scope, inside))
    if key not in world.read_targets:
        world.read_targets[key] = await _fresh_target(world, caller, scope, inside)
    return world.read_targets[key]


def _outside_clinic(scope: str | None, inside: bool) -> bool:
    # `any` reaches beyond the caller's clinic; a refused role is tried on its own clinic,
    # where a wrong grant would show.
    return scope == "any" or (scope == "clinic" and not inside)


async def _fresh_target(world: World, caller: Caller, scope: str | None, inside: bool) -> Target:
    if scope == "own":
        if inside:
            assert caller.user_id is not None
            return Target(caller.user_id, world.clinic_a)
        return await world.patient()
    outside = _outside_clinic(scope, inside)
    return await world.staff_in(world.clinic_b if outside else world.clinic_a)


async def call(world: World, route: str, caller: Caller, target: Target) -> int:
    method, template = route.split(" ", 1)
    listing = method == "GET" and template in ("/v1/audit-events", "/v1/users")
    query = {"clinic_id": target.clinic_id} if listing else {}
    response = await world.client.request(
        method,
        _path(template, target),
        json=await _body(world, route, target),
        params=query,
        headers={**caller.headers, **await _web_app_headers(world, route)},
    )
    if route == "POST /v1/me/password" and response.status_code == 204 and caller.username:
        # A password change ends every session of the caller, this one too: sign in again.
        pair = await world.client.post(
            "/v1/auth/token", json={"username": caller.username, "password": PASSWORD}
        )
        caller.headers = {"Authorization": f"Bearer {pair.json()['access_token']}"}
    return response.status_code


def _scoped(route: str) -> bool:
    """Whether a call can aim outside the caller's scope: a record in the path or body, or
    the clinic a list is filtered by (another clinic's is 403, never an empty page)."""
    template = route.split(" ", 1)[1]
    return "{" in template or template in ("/v1/audit-events", "/v1/users", "/v1/sync/push")


@pytest.fixture
async def world(
    client: httpx.AsyncClient, mint: Mint, register: Register, sign_in: SignIn
) -> World:
    admin = mint(ORG_ADMIN)
    clinics = []
    for name in ("Walk A", "Walk B"):
        response = await client.post(
            "/v1/clinics", json={"name": name, "time_zone": "Africa/Nairobi"}, headers=admin
        )
        clinics.append(response.json()["id"])
    patient_phone = phone()
    patient = await register(phone=patient_phone)
    callers = {"anonymous": Caller("anonymous", None, None, {})}
    callers["patient"] = await _signed_in(sign_in, "patient", patient["id"], patient_phone)
    for role in ("provider", "receptionist", "clinic_admin", "org_admin"):
        grant = {"role": role} | ({} if role == "org_admin" else {"clinic_id": clinics[0]})
        body = {
            "full_name": f"The {role}",
            "email": f"{role}@example.org",
            "password": PASSWORD,
            "memberships": [grant],
        }
        user = (await client.post("/v1/users", json=body, headers=admin)).json()
        callers[role] = await _signed_in(sign_in, role, user["id"], f"{role}@example.org")
    return World(client, admin, clinics[0], clinics[1], patient_phone, callers)


async def _signed_in(sign_in: SignIn, role: str, user_id: str, username: str) -> Caller:
    pair = await sign_in(username)
    return Caller(role, user_id, username, {"Authorization": f"Bearer {pair['access_token']}"})


async def test_every_identity_route_follows_the_matrix(app: FastAPI, world: World) -> None:
    operations = [
        f"{method.upper()} {path}"
        for path, methods in app.openapi()["paths"].items()
        if path.startswith(("/v1/", "/.well-known/"))
        for method in methods
    ]
    assert operations, "the identity app documents no routes"
    failures = []
    for route in operations:
        grants = MATRIX["routes"][route]
        for role in MATRIX["roles"]:
            caller, scope = world.callers[role], grants.get(role)
            aimed = await _target(world, route, caller, scope, True)
            inside = await call(world, route, caller, aimed)
            if scope is None:
                expected = {401} if role == "anonymous" else DENIED - {401}
                if inside not in expected:
                    failures.append(f"{route} as {role}: {inside}, expected refusal")
                continue
            if inside in DENIED:
                failures.append(f"{route} as {role} ({scope}): refused with {inside}")
            if scope in ("own", "clinic") and _scoped(route):
                target = await _target(world, route, caller, scope, False)
                outside = await call(world, route, caller, target)
                if outside not in DENIED:
                    failures.append(f"{route} as {role} outside its {scope}: {outside}")
    assert failures == []
