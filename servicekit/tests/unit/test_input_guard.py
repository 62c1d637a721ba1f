"""InputGuard in front of a small FastAPI app: what it refuses, how it names it, what it lets by."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable
from datetime import date, datetime
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Query, Request
from pydantic import AwareDatetime, BaseModel
from servicekit.input_guard import InputGuard
from servicekit.problems import install_problem_handlers
from starlette.types import Message, Scope


class Break(BaseModel):
    starts_at: AwareDatetime
    minutes: int


class Shift(BaseModel):
    name: str
    day: date
    breaks: list[Break] = []
    extra: dict[str, Any] = {}


def small_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    seen: list[Any] = []
    app.state.seen = seen

    @app.post("/v1/shifts")
    async def create(shift: Shift) -> dict[str, str]:
        seen.append(shift)
        return {"name": shift.name}

    @app.get("/v1/shifts/{number}")
    async def read(
        number: int,
        since: datetime | None = None,
        tags: Annotated[list[str] | None, Query()] = None,
    ) -> dict[str, Any]:
        return {"number": number, "tags": tags or []}

    @app.post("/v1/hooks")
    async def hook(request: Request) -> dict[str, str]:
        # Reads its form by hand, as the providers' webhooks do.
        return {"raw": (await request.body()).decode()}

    app.add_middleware(InputGuard, api=app)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=small_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://guard.test") as client:
        yield client


def fields(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:clinic:problem:validation-error"
    return {error["field"]: error["code"] for error in body["errors"]}


def raw_json(client: httpx.AsyncClient, path: str, text: str) -> Awaitable[httpx.Response]:
    headers = {"content-type": "application/json"}
    return client.post(path, content=text.encode(), headers=headers)


async def test_a_valid_request_reaches_the_route_with_its_body_intact(
    client: httpx.AsyncClient,
) -> None:
    body = {
        "name": "Early",
        "day": "2027-03-29",
        "breaks": [{"starts_at": "2027-03-29T10:00Z", "minutes": 15}],
    }
    response = await client.post("/v1/shifts", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"name": "Early"}


async def test_nul_anywhere_in_a_json_body_is_named(client: httpx.AsyncClient) -> None:
    body = {"name": "a\x00b", "day": "2027-03-29", "extra": {"note": ["ok", "\x00"]}}
    assert fields(await client.post("/v1/shifts", json=body)) == {
        "body.name": "string_contains_nul",
        "body.extra.note.1": "string_contains_nul",
    }


async def test_unpaired_surrogates_in_values_and_keys_are_named_printably(
    client: httpx.AsyncClient,
) -> None:
    text = '{"name": "x\\ud800", "day": "2027-03-29", "extra": {"k\\udfff": 1, "k\\u0000": 2}}'
    response = await raw_json(client, "/v1/shifts", text)
    assert fields(response) == {
        "body.name": "string_unpaired_surrogate",
        "body.extra.k\\udfff": "string_unpaired_surrogate",
        "body.extra.k\\u0000": "string_contains_nul",
    }


async def test_typed_body_fields_are_bounded(client: httpx.AsyncClient) -> None:
    text = json.dumps(
        {
            "name": "n",
            "day": "9999-12-31",
            "breaks": [{"starts_at": "0001-01-01T00:00:00+05:00", "minutes": 10**20}],
        }
    )
    assert fields(await raw_json(client, "/v1/shifts", text)) == {
        "body.day": "date_out_of_range",
        "body.breaks.0.starts_at": "date_out_of_range",
        "body.breaks.0.minutes": "number_out_of_range",
    }


async def test_numbers_python_reads_but_json_forbids_are_refused(client: httpx.AsyncClient) -> None:
    text = '{"name": "n", "day": "2027-03-29", "extra": {"a": NaN, "b": -Infinity, "c": 1e999}}'
    assert set(fields(await raw_json(client, "/v1/shifts", text)).values()) == {"number_not_finite"}


async def test_a_deep_body_is_refused_without_exhausting_the_stack(
    client: httpx.AsyncClient,
) -> None:
    for depth in (40, 100_000):
        text = "[" * depth + "]" * depth
        assert fields(await raw_json(client, "/v1/shifts", text)) == {"body": "json_too_deep"}


async def test_text_that_is_not_json_is_left_to_fastapi(client: httpx.AsyncClient) -> None:
    response = await raw_json(client, "/v1/shifts", "{not json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "json_invalid"


async def test_path_and_query_parameters_are_checked_by_their_type(
    client: httpx.AsyncClient,
) -> None:
    assert fields(await client.get("/v1/shifts/100000000000000000000")) == {
        "path.number": "number_out_of_range"
    }
    response = await client.get(
        "/v1/shifts/1", params={"since": "9999-12-31T23:59:59-05:00", "tags": ["ok", "a\x00"]}
    )
    assert fields(response) == {
        "query.since": "date_out_of_range",
        "query.tags": "string_contains_nul",
    }
    assert fields(await client.get("/v1/shifts/1", params={"other": "\x00"})) == {
        "query.other": "string_contains_nul"
    }
    # A string field may hold digits of any length: only typed parameters are bounded.
    ok = await client.get("/v1/shifts/1", params={"tags": "9" * 30})
    assert ok.status_code == 200
    assert ok.json() == {"number": 1, "tags": ["9" * 30]}


async def test_head_requests_are_checked_like_get(client: httpx.AsyncClient) -> None:
    response = await client.head("/v1/shifts/100000000000000000000")
    assert response.status_code == 422


async def test_nul_in_a_path_no_route_serves_is_refused(client: httpx.AsyncClient) -> None:
    assert fields(await client.get("/v1/nowhere/a%00b")) == {"path": "string_contains_nul"}
    assert (await client.get("/v1/nowhere/ab")).status_code == 404


async def test_form_bodies_read_by_hand_are_checked_and_still_readable(
    client: httpx.AsyncClient,
) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    refused = await client.post("/v1/hooks", content=b"From=%2B254&Body=STOP%00", headers=form)
    assert fields(refused) == {"body.Body": "string_contains_nul"}
    passed = await client.post("/v1/hooks", content=b"From=%2B254&Body=STOP", headers=form)
    assert passed.json() == {"raw": "From=%2B254&Body=STOP"}


async def test_header_values_with_nul_are_refused() -> None:
    # Servers in front (h11) refuse these already; the guard does not rely on it.
    app, sent = small_app(), list[Message]()

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/v1/shifts/1",
        "raw_path": b"/v1/shifts/1",
        "query_string": b"",
        "headers": [(b"x-note", b"a\x00b")],
        "scheme": "http",
        "server": ("guard.test", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
        "http_version": "1.1",
        "asgi": {"version": "3.0"},
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 422
    body = json.loads(sent[1]["body"])
    assert body["errors"][0]["field"] == "header.x-note"
