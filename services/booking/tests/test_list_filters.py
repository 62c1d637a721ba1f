"""Every booking list walked against docs/authorization.yaml with filters beyond the scope.

For each list route (a GET without a path parameter) and role: filtered by the caller's own
clinic it passes; filtered by another clinic, or by a clinic id that does not exist, it is 403
under `clinic` (an empty 200 page fails the test), passes under `any`, and under `own` (a
patient) gives the caller's own records there; filtered by another patient it is 403 under
`own`. Roles the matrix leaves out are refused.
"""

from __future__ import annotations

import uuid
from datetime import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI
from servicekit.auth import Membership
from servicekit.testing.fixtures import Apply
from servicekit.testing.issuer import TokenIssuer

from .conftest import SOON, Calendar

MATRIX = yaml.safe_load((Path(__file__).parents[3] / "docs" / "authorization.yaml").read_text())
DENIED = {401, 403, 404}
# The filters each list takes (besides paging); a new list route must be added here.
FILTERS = {
    "/v1/appointment-types": {"clinic_id"},
    "/v1/slots": {"clinic_id", "type_id"},
    "/v1/rooms": {"clinic_id"},
    "/v1/appointments": {"clinic_id", "patient_id"},
    "/v1/waitlist": {"clinic_id"},
    "/v1/allotments": {"clinic_id"},
}


class World:
    """Clinics A and B with a type each; a caller of every role (staff of A) and a patient."""

    def __init__(self, a: Calendar, b: Calendar) -> None:
        self.a, self.b = a, b
        self.types: dict[uuid.UUID, str] = {}
        self.patient_id = uuid.uuid4()

    async def setup(self) -> None:
        for clinic in (self.a, self.b):
            self.types[clinic.id] = (await clinic.new_type())["id"]
        booked = await self.a.book(
            self.a.slot({"id": self.types[self.a.id]}, SOON, time(9)),
            self.a.patient(self.patient_id),
        )
        assert booked.status_code == 201, booked.text

    def headers(self, role: str) -> dict[str, str]:
        if role == "anonymous":
            return {}
        if role == "patient":
            return self.a.patient(self.patient_id)
        clinic = None if role == "org_admin" else self.a.id
        return self.a.issuer.headers(uuid.uuid4(), Membership(role, clinic))

    async def get(self, route: str, role: str, clinic: uuid.UUID, **extra: str) -> httpx.Response:
        params = {"clinic_id": str(clinic)} | extra
        if "type_id" in FILTERS[route]:
            params["type_id"] = self.types.get(clinic, self.types[self.a.id])
        return await self.a.client.get(route, params=params, headers=self.headers(role))


@pytest.fixture
async def world(client: httpx.AsyncClient, issuer: TokenIssuer, apply: Apply) -> World:
    a = await Calendar(client, issuer, apply).open()
    b = await Calendar(client, issuer, apply).open()
    await a.shift(a.doctor, SOON)
    world = World(a, b)
    await world.setup()
    return world


def list_routes(app: FastAPI) -> list[str]:
    paths = app.openapi()["paths"]
    return [p for p, ops in paths.items() if p.startswith("/v1/") and "get" in ops and "{" not in p]


def test_every_list_route_has_its_filters_listed(app: FastAPI) -> None:
    assert set(list_routes(app)) == set(FILTERS)


async def test_lists_filtered_beyond_the_scope_are_refused(app: FastAPI, world: World) -> None:
    failures: list[str] = []

    def expect(label: str, response: httpx.Response, allowed: set[int]) -> None:
        if response.status_code not in allowed:
            failures.append(f"{label}: {response.status_code} {response.text[:200]}")

    for route in list_routes(app):
        grants = MATRIX["routes"][f"GET {route}"]
        for role in MATRIX["roles"]:
            scope, label = grants.get(role), f"GET {route} as {role}"
            own_clinic = await world.get(route, role, world.a.id)
            if scope is None:
                expect(label, own_clinic, {401} if role == "anonymous" else {403, 404})
                continue
            expect(f"{label}, own clinic", own_clinic, {200})
            other = await world.get(route, role, world.b.id)
            unknown = await world.get(route, role, uuid.uuid4())
            if scope == "clinic":
                expect(f"{label}, another clinic", other, {403})
                expect(f"{label}, an unknown clinic", unknown, {403})
            elif scope == "own":
                expect(f"{label}, another clinic (own records there)", other, {200})
            else:
                expect(f"{label}, another clinic", other, {200})
            if scope == "own" and "patient_id" in FILTERS[route]:
                mine = await world.get(route, role, world.a.id, patient_id=str(world.patient_id))
                theirs = await world.get(route, role, world.a.id, patient_id=str(uuid.uuid4()))
                expect(f"{label}, naming themselves", mine, {200})
                expect(f"{label}, naming another patient", theirs, {403})
    assert failures == []


async def test_a_patient_sees_their_own_appointment_and_staff_their_clinics(world: World) -> None:
    async def ids(role: str, **params: str) -> list[str]:
        response = await world.a.client.get(
            "/v1/appointments", params=params, headers=world.headers(role)
        )
        assert response.status_code == 200, response.text
        return [item["patient_id"] for item in response.json()["items"]]

    patient = str(world.patient_id)
    assert await ids("patient") == [patient]
    assert await ids("patient", clinic_id=str(world.a.id), patient_id=patient) == [patient]
    assert await ids("receptionist") == [patient]  # no filter: their own clinics' records
    assert await ids("receptionist", patient_id=patient) == [patient]
    assert await ids("org_admin", clinic_id=str(uuid.uuid4())) == []  # matches nothing


async def test_staff_without_a_filter_see_their_clinics_waitlist(world: World) -> None:
    body: dict[str, Any] = {
        "clinic_id": str(world.a.id),
        "type_id": world.types[world.a.id],
        "earliest": f"{SOON}T08:00:00+00:00",
        "latest": f"{SOON}T17:00:00+00:00",
    }
    joined = await world.a.client.post("/v1/waitlist", json=body, headers=world.headers("patient"))
    assert joined.status_code == 201, joined.text

    for role in ("provider", "receptionist", "clinic_admin", "org_admin", "patient"):
        listed = await world.a.client.get("/v1/waitlist", headers=world.headers(role))
        assert [e["id"] for e in listed.json()["items"]] == [joined.json()["id"]], role
