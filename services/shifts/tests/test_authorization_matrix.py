"""Walks every shifts route of the OpenAPI document against docs/authorization.yaml.

For each route and role: a caller of that role calls the route on a record in its scope and
expects to pass authorization; where the scope is `own` or `clinic` and the route names a
record, it also calls on one outside the scope and expects 403 or 404; roles the matrix
leaves out expect 401 (anonymous) or 403/404. Lists are filtered by clinic (and leave by
staff member): filtered beyond the scope, or by a clinic that does not exist, they must
answer 403, not an empty page.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI

from .conftest import Network, TemplateBody

MATRIX = yaml.safe_load((Path(__file__).parents[3] / "docs" / "authorization.yaml").read_text())
DENIED = {401, 403, 404}
CALLERS = ("provider", "receptionist", "clinic_admin")
_numbers = itertools.count(1)
FAR = date.today() + timedelta(days=30)


@dataclass
class Target:
    """The records one request is aimed at, all in one clinic."""

    clinic: str
    staff_id: str
    template_id: str = ""
    shift_id: str = ""
    leave_id: str = ""
    closure_id: str = ""


class World:
    """Two clinics, a caller of every role in clinic A, and records made on demand."""

    def __init__(
        self, client: httpx.AsyncClient, network: Network, template_body: TemplateBody
    ) -> None:
        self.client, self.network, self.template_body = client, network, template_body
        self.admin: dict[str, str] = {}
        self.read_targets: dict[tuple[str, str | None], Target] = {}

    async def setup(self) -> None:
        await self.network.clinic("A")
        await self.network.clinic("B")
        for role in CALLERS:
            await self.network.staff(role, (role, "A"))
        self.admin = self.network.org_admin("root")

    def headers(self, role: str) -> dict[str, str]:
        if role == "anonymous":
            return {}
        if role == "org_admin":
            return self.admin
        return self.network.as_(role if role in CALLERS else "a patient")

    async def records(self, clinic: str, staff: str | None = None) -> Target:
        """A fresh provider at `clinic` (or `staff`) with a template, a shift, leave, a closure."""
        if staff is None:
            staff = f"walked {next(_numbers)}"
            await self.network.staff(staff, ("provider", clinic))
        clinic_id, staff_id = str(self.network.clinics[clinic]), str(self.network.people[staff])
        target = Target(clinic_id, staff_id)
        day = FAR + timedelta(days=next(_numbers))
        if staff not in CALLERS:
            hours = [{"day": "sun", "starts": "01:00", "ends": "02:00"}]
            body = self.template_body(clinic_id, staff_id, weekly=hours)
            target.template_id = await self._made("/v1/shift-templates", body)
            target.shift_id = await self._made("/v1/shifts", self._shift(target, day))
        leave = {"clinic_id": clinic_id, "staff_id": staff_id, "kind": "annual"}
        target.leave_id = await self._made(
            "/v1/leave", {**leave, "first_day": str(day), "last_day": str(day)}
        )
        closure = {"first_day": str(day), "last_day": str(day), "name": "Walk", "kind": "closure"}
        target.closure_id = await self._made(f"/v1/clinics/{clinic_id}/closures", closure)
        return target

    async def _made(self, path: str, body: dict[str, Any]) -> str:
        response = await self.client.post(path, json=body, headers=self.admin)
        assert response.status_code == 201, (path, response.text)
        return str(response.json()["id"])

    @staticmethod
    def _shift(target: Target, day: date) -> dict[str, Any]:
        return {
            "clinic_id": target.clinic,
            "staff_id": target.staff_id,
            "starts_at": f"{day}T09:00:00+03:00",
            "ends_at": f"{day}T12:00:00+03:00",
        }


# Routes whose body names a second staff member of the target's clinic (with their records).
NEEDS_COLLEAGUE = {
    "POST /v1/shift-templates",
    "POST /v1/shifts",
    "POST /v1/shifts/{shift_id}/reassign",
    "POST /v1/shifts/{shift_id}/swap",
}


async def _body(world: World, route: str, target: Target, caller: str) -> dict[str, Any] | None:
    if route.startswith("GET "):
        return None
    day = FAR + timedelta(days=next(_numbers))
    colleague = target
    if route in NEEDS_COLLEAGUE:
        colleague = await world.records(_clinic_name(world, target.clinic))
    bodies: dict[str, dict[str, Any]] = {
        "POST /v1/shift-templates": world.template_body(target.clinic, colleague.staff_id),
        "PATCH /v1/shift-templates/{template_id}": {"note": "walked"},
        "POST /v1/shifts": World._shift(colleague, day),
        "PATCH /v1/shifts/{shift_id}": {"note": "walked"},
        "POST /v1/shifts/{shift_id}/cancel": {},
        "POST /v1/shifts/{shift_id}/reassign": {"staff_id": colleague.staff_id},
        "POST /v1/shifts/{shift_id}/swap": {"shift_id": colleague.shift_id},
        "POST /v1/leave": {
            "clinic_id": target.clinic,
            "staff_id": target.staff_id,
            "kind": "training",
            "first_day": str(day),
            "last_day": str(day),
        },
        "POST /v1/leave/{leave_id}/approve": {},
        "POST /v1/leave/{leave_id}/reject": {},
        "POST /v1/leave/{leave_id}/cancel": {},
        "POST /v1/clinics/{clinic_id}/closures": {
            "first_day": str(day),
            "last_day": str(day),
            "name": "Walked",
            "kind": "public_holiday",
        },
        "PUT /v1/clinics/{clinic_id}/coverage/minimums": {
            "minimums": [{"role": "provider", "day": "mon", "hours": 8}]
        },
    }
    return bodies.get(route)


def _clinic_name(world: World, clinic_id: str) -> str:
    return next(name for name, cid in world.network.clinics.items() if str(cid) == clinic_id)


async def _target(world: World, route: str, caller: str, scope: str | None, inside: bool) -> Target:
    """Fresh records for a route that changes them; shared ones for a read."""
    if scope == "own":
        clinic, staff = "A", caller if inside else None
    else:
        # `any` reaches beyond the caller's clinic; a refused role is tried on its own clinic.
        outside = scope == "any" or (scope == "clinic" and not inside)
        clinic, staff = "B" if outside else "A", None
    if not route.startswith("GET "):
        return await world.records(clinic, staff)
    key = (clinic, staff)
    if key not in world.read_targets:
        world.read_targets[key] = await world.records(clinic, staff)
    return world.read_targets[key]


async def call(world: World, route: str, caller: str, target: Target) -> httpx.Response:
    method, template = route.split(" ", 1)
    path = template.format(
        clinic_id=target.clinic,
        template_id=target.template_id,
        shift_id=target.shift_id,
        leave_id=target.leave_id,
        closure_id=target.closure_id,
    )
    query = {"clinic_id": target.clinic} if _listing(route) else {}
    if route == "GET /v1/leave":
        query["staff_id"] = target.staff_id
    return await world.client.request(
        method,
        path,
        json=None if _listing(route) else await _body(world, route, target, caller),
        params=query,
        headers=world.headers(caller),
    )


def _listing(route: str) -> bool:
    """A GET without a path parameter: a list or view filtered by a clinic."""
    method, template = route.split(" ", 1)
    return method == "GET" and "{" not in template


def _scoped(route: str) -> bool:
    """Whether a call can aim outside the caller's scope: a record or clinic it names."""
    template = route.split(" ", 1)[1]
    return "{" in template or _listing(route) or route == "POST /v1/leave"


@pytest.fixture
async def world(client: httpx.AsyncClient, network: Network, template_body: TemplateBody) -> World:
    world = World(client, network, template_body)
    await world.setup()
    return world


async def test_every_shifts_route_follows_the_matrix(app: FastAPI, world: World) -> None:
    operations = [
        f"{method.upper()} {path}"
        for path, methods in app.openapi()["paths"].items()
        if path.startswith("/v1/")
        for method in methods
    ]
    assert len(operations) > 20
    failures = []
    for route in operations:
        grants = MATRIX["routes"][route]
        for role in MATRIX["roles"]:
            scope = grants.get(role)
            target = await _target(world, route, role, scope, True)
            inside = await call(world, route, role, target)
            if scope is None:
                expected = {401} if role == "anonymous" else DENIED - {401}
                if inside.status_code not in expected:
                    failures.append(f"{route} as {role}: {inside.status_code}, expected refusal")
                continue
            if inside.status_code in DENIED:
                failures.append(f"{route} as {role} ({scope}): {inside.status_code} {inside.text}")
            if scope in ("own", "clinic") and _scoped(route):
                aimed = await _target(world, route, role, scope, False)
                outside = await call(world, route, role, aimed)
                refused = {403} if _listing(route) else DENIED  # a list: never 200 empty
                if outside.status_code not in refused:
                    failures.append(f"{route} as {role} outside its {scope}: {outside.status_code}")
            if scope in ("own", "clinic") and _listing(route):
                unknown = Target(str(uuid.uuid4()), str(world.network.people[role]))
                nowhere = await call(world, route, role, unknown)
                if nowhere.status_code != 403:
                    failures.append(f"{route} as {role}, unknown clinic: {nowhere.status_code}")
    assert failures == []
