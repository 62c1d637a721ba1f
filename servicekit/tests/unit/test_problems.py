"""Every error is RFC 9457 problem+json, with field errors and no stack trace."""

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field
from servicekit.problems import Conflict, install_problem_handlers
from sqlalchemy import exc as sa_exc


class Body(BaseModel):
    name: str = Field(min_length=2)
    password: str


@pytest.fixture
def client() -> httpx.AsyncClient:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    async def create(body: Body) -> dict[str, str]:
        return {"name": body.name}

    @app.get("/conflict")
    async def conflict() -> None:
        raise Conflict("The slot is taken.", clash={"start": "09:00"})

    @app.get("/pool")
    async def pool() -> None:
        raise sa_exc.TimeoutError("QueuePool limit of size 20 overflow 10 reached")

    @app.get("/database-down")
    async def database_down() -> None:
        raise sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_validation_errors_name_the_fields_but_not_the_values(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/things", json={"name": "x", "password": "hunter2"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:clinic:problem:validation-error"
    assert body["errors"][0]["field"] == "body.name"
    assert "hunter2" not in response.text


async def test_domain_problem_carries_status_type_and_extensions(client: httpx.AsyncClient) -> None:
    response = await client.get("/conflict")
    assert response.status_code == 409
    assert response.json() == {
        "type": "urn:clinic:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "The slot is taken.",
        "instance": "/conflict",
        "clash": {"start": "09:00"},
    }


async def test_unknown_route_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_unexpected_error_is_a_500_without_internals(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


async def test_a_saturated_pool_is_503_busy_with_retry_after(client: httpx.AsyncClient) -> None:
    response = await client.get("/pool")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["type"] == "urn:clinic:problem:busy"
    assert "QueuePool" not in response.text


async def test_an_unreachable_database_is_503_not_500(client: httpx.AsyncClient) -> None:
    response = await client.get("/database-down")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["type"] == "urn:clinic:problem:database-unavailable"
    assert "SELECT" not in response.text
