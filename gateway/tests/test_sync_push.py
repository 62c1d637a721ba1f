"""POST /v1/sync/push: the gateway cuts a device's batch into runs and sends each, in order, to
the owning service (fake identity and booking here, answering as the real ones would)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .conftest import (
    GatewayFactory,
    ThreadedServer,
    TokenFactory,
    free_port_with_nothing_listening,
    scrape,
)

PUSH = "/v1/sync/push"
PROBLEM_JSON = "application/problem+json"
MATCHED_PATIENT = str(uuid.uuid4())  # the account a phone of MATCHED_PHONE already has
MATCHED_PHONE = "+254700000001"


@dataclass
class FakeService:
    """A service's POST /v1/sync/push: applies everything, except what a test scripts."""

    name: str
    url: str = ""  # where the fake listens, once its server has started
    pushes: list[dict[str, Any]] = field(default_factory=list)
    # device_id -> the status to refuse every run of that device's pushes with
    refusals: dict[str, int] = field(default_factory=dict)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post(PUSH)
        async def push(request: Request) -> JSONResponse:
            body = await request.json()
            self.pushes.append({"body": body, "headers": dict(request.headers)})
            refusal = self.refusals.get(body["device_id"])
            if refusal is not None:
                problem = {"type": "urn:clinic:problem:forbidden", "status": refusal}
                return JSONResponse(problem, status_code=refusal, media_type=PROBLEM_JSON)
            failed = set(body["failed"])
            outcomes = [_outcome(m, failed) for m in body["mutations"]]
            return JSONResponse({"outcomes": outcomes})

        return app

    def runs_of(self, device_id: str) -> list[dict[str, Any]]:
        return [p for p in self.pushes if p["body"]["device_id"] == device_id]


def _outcome(mutation: dict[str, Any], failed: set[str]) -> dict[str, Any]:
    outcome = {"id": mutation["id"], "seq": mutation["seq"]}
    args = mutation["args"]
    blocker = next((d for d in mutation.get("depends_on", []) if d in failed), None)
    if blocker:
        return {**outcome, "status": "blocked", "blocked_by": blocker}
    if args.get("reject"):
        problem = {"type": "urn:clinic:problem:validation-error", "status": 422}
        return {**outcome, "status": "rejected", "problem": problem}
    if mutation["kind"] == "register_patient":
        patient = MATCHED_PATIENT if args["phone"] == MATCHED_PHONE else args["patient_id"]
        return {**outcome, "status": "applied", "result": {"patient_id": patient}}
    return {**outcome, "status": "applied", "result": {"appointment_id": args["appointment_id"]}}


@pytest.fixture(scope="module")
def services() -> Iterator[dict[str, FakeService]]:
    fakes = {name: FakeService(name) for name in ("identity", "booking")}
    servers = [ThreadedServer(fake.app()).start() for fake in fakes.values()]
    for fake, server in zip(fakes.values(), servers, strict=True):
        fake.url = server.url
    yield fakes
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def sync_gateway(start_gateway: GatewayFactory, services: dict[str, FakeService]) -> str:
    return start_gateway(
        identity_url=services["identity"].url,
        booking_url=services["booking"].url,
        sync_push_max_mutations=6,
        sync_push_max_bytes=8 * 1024,
    )


@pytest.fixture
def device(sync_gateway: str, mint_token: TokenFactory) -> Iterator[Device]:
    headers = {"Authorization": f"Bearer {mint_token()}", "X-Request-ID": uuid.uuid4().hex}
    with httpx.Client(base_url=sync_gateway, headers=headers, timeout=20) as http:
        yield Device(http, str(uuid.uuid4()), str(uuid.uuid4()))


@dataclass
class Device:
    http: httpx.Client
    device_id: str
    clinic_id: str
    seq: int = 0

    def push(self, *mutations: dict[str, Any]) -> httpx.Response:
        body = {"device_id": self.device_id, "clinic_id": self.clinic_id, "mutations": mutations}
        return self.http.post(PUSH, json=body)

    def mutation(self, kind: str, **args: Any) -> dict[str, Any]:
        self.seq += 1
        depends_on = args.pop("depends_on", [])
        return {
            "id": str(uuid.uuid4()),
            "seq": self.seq,
            "recorded_at": "2026-12-07T07:55:00Z",
            "kind": kind,
            "depends_on": depends_on,
            "args": args,
        }

    def register(self, phone: str, **args: Any) -> dict[str, Any]:
        patient_id = str(uuid.uuid4())
        return self.mutation("register_patient", patient_id=patient_id, phone=phone, **args)

    def book(self, patient_id: str, **args: Any) -> dict[str, Any]:
        return self.mutation(
            "book", appointment_id=str(uuid.uuid4()), patient_id=patient_id, **args
        )


def patient_of(mutation: dict[str, Any]) -> str:
    return str(mutation["args"]["patient_id"])


def sent_ids(service: FakeService, device: Device) -> list[list[str]]:
    return [
        [m["id"] for m in run["body"]["mutations"]] for run in service.runs_of(device.device_id)
    ]


def test_runs_go_in_seq_order_to_their_owners_with_the_failed_ids_so_far(
    device: Device, services: dict[str, FakeService]
) -> None:
    amina = device.register("+254700000011")
    amina_visit = device.book(patient_of(amina))
    refused = device.register("+254700000012", reject=True)
    baraka = device.register("+254700000013")
    baraka_visit = device.book(patient_of(baraka), depends_on=[refused["id"]])
    cancel = device.mutation("cancel", appointment_id=amina_visit["args"]["appointment_id"])
    batch = [amina, amina_visit, refused, baraka, baraka_visit, cancel]
    shuffled = random.sample(batch, len(batch))

    response = device.push(*shuffled)

    assert response.status_code == 200, response.text
    outcomes = response.json()["outcomes"]
    assert [o["id"] for o in outcomes] == [m["id"] for m in batch]
    statuses = ["applied", "applied", "rejected", "applied", "blocked", "applied"]
    assert [o["status"] for o in outcomes] == statuses
    identity, booking = services["identity"], services["booking"]
    assert sent_ids(identity, device) == [[amina["id"]], [refused["id"], baraka["id"]]]
    assert sent_ids(booking, device) == [[amina_visit["id"]], [baraka_visit["id"], cancel["id"]]]
    failed = [run["body"]["failed"] for run in booking.runs_of(device.device_id)]
    assert failed == [[], [refused["id"]]]
    for run in identity.runs_of(device.device_id) + booking.runs_of(device.device_id):
        assert run["body"]["clinic_id"] == device.clinic_id
        assert run["headers"]["authorization"] == device.http.headers["authorization"]
        assert run["headers"]["x-request-id"] == device.http.headers["x-request-id"]


def test_a_matched_patient_is_booked_under_the_existing_account(
    device: Device, services: dict[str, FakeService], sync_gateway: str
) -> None:
    matched = device.register(MATCHED_PHONE)
    visit = device.book(patient_of(matched))
    failed = device.register("+254700000021", reject=True)
    their_visit = device.book(patient_of(failed))
    unrelated = device.book(str(uuid.uuid4()))

    response = device.push(matched, visit, failed, their_visit, unrelated)

    outcomes = response.json()["outcomes"]
    assert outcomes[0]["result"]["patient_id"] == MATCHED_PATIENT
    first, second = services["booking"].runs_of(device.device_id)
    assert first["body"]["mutations"][0]["args"]["patient_id"] == MATCHED_PATIENT
    # The visit of a patient whose registration failed is blocked here, never sent on.
    assert [m["id"] for m in second["body"]["mutations"]] == [unrelated["id"]]
    assert outcomes[3] == {
        "id": their_visit["id"],
        "seq": their_visit["seq"],
        "status": "blocked",
        "blocked_by": failed["id"],
    }
    assert second["body"]["failed"] == [failed["id"], their_visit["id"]]
    assert 'gateway_sync_push_outcomes_total{service="booking",status="applied"}' in scrape(
        sync_gateway
    )


def test_too_many_mutations_or_bytes_is_413_and_nothing_is_sent(
    device: Device, services: dict[str, FakeService]
) -> None:
    seven = [device.register(f"+25470000003{i}") for i in range(7)]
    too_big = device.register("+254700000040", full_name="x" * 9000)

    for response in (device.push(*seven), device.push(too_big)):
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["type"] == "urn:clinic:problem:payload-too-large"
    assert services["identity"].runs_of(device.device_id) == []


def test_a_malformed_batch_is_422_and_a_missing_token_401(
    device: Device, services: dict[str, FakeService]
) -> None:
    unknown = device.mutation("teleport", patient_id=str(uuid.uuid4()))
    response = device.push(device.register("+254700000050"), unknown)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert [e["field"] for e in response.json()["errors"]] == ["mutations.1.kind"]

    no_body = device.http.post(
        PUSH, content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert no_body.status_code == 422

    body = {"device_id": device.device_id, "clinic_id": device.clinic_id, "mutations": []}
    anonymous = httpx.post(f"{device.http.base_url}{PUSH}", json=body)
    assert anonymous.status_code == 401
    assert services["identity"].runs_of(device.device_id) == []


def test_a_services_refusal_of_a_whole_run_is_answered_as_it_is(
    device: Device, services: dict[str, FakeService]
) -> None:
    services["identity"].refusals[device.device_id] = 403
    response = device.push(device.register("+254700000060"), device.book(str(uuid.uuid4())))

    assert response.status_code == 403
    assert response.json() == {"type": "urn:clinic:problem:forbidden", "status": 403}
    assert services["booking"].runs_of(device.device_id) == []


def test_a_service_down_or_failing_ends_the_push_with_503(
    device: Device, services: dict[str, FakeService], start_gateway: GatewayFactory
) -> None:
    services["booking"].refusals[device.device_id] = 500
    failing = device.push(device.register("+254700000070"), device.book(str(uuid.uuid4())))
    assert failing.status_code == 503, failing.text
    assert failing.json()["type"] == "urn:clinic:problem:upstream-unavailable"
    assert failing.json()["service"] == "booking"

    down = start_gateway(
        identity_url=services["identity"].url,
        booking_url=f"http://127.0.0.1:{free_port_with_nothing_listening()}",
    )
    registration = device.register("+254700000071")
    batch = {
        "device_id": device.device_id,
        "clinic_id": device.clinic_id,
        "mutations": [registration, device.book(patient_of(registration))],
    }
    response = httpx.post(f"{down}{PUSH}", json=batch, headers=dict(device.http.headers))
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["retry-after"] == "5"
    # What identity applied before stays applied; the device pushes the batch again.
    assert [registration["id"]] in sent_ids(services["identity"], device)
    assert json.loads(response.text)["service"] == "booking"


def test_the_merged_document_describes_the_gateways_push_not_a_services() -> None:
    from gateway.openapi_merge import GATEWAY, merge_openapi
    from gateway.sync_route import push_openapi

    booking = {
        "paths": {
            PUSH: {"post": {"summary": "booking's run of a push"}},
            "/v1/sync/clinics/{clinic_id}": {"get": {"summary": "pull"}},
        }
    }
    document = merge_openapi({"booking": booking, GATEWAY: push_openapi()})

    operation = document["paths"][PUSH]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/SyncPush"}
    assert operation["security"] == [{"HTTPBearer": []}]
    assert {"SyncPush", "SyncMutation", "SyncPushResult"} <= set(document["components"]["schemas"])
    assert "/v1/sync/clinics/{clinic_id}" in document["paths"]
