"""Reporting on the real PostgreSQL: events applied through the consumer's handler, the API
called in-process (no broker needed: the lifespan is not started)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from reporting.analytics.rebuild import rebuild
from reporting.app import create_app
from reporting.facts.handlers import record_fact_on
from reporting.settings import Settings
from servicekit.auth import Membership
from servicekit.runtime import ServiceRuntime
from servicekit.testing.issuer import TokenIssuer

from .activity import Envelopes


@pytest.fixture
async def settings(clean_service_database) -> Settings:
    return Settings(database_url=await clean_service_database("reporting"))


@pytest.fixture
def issuer() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture
async def app(settings: Settings, issuer: TokenIssuer) -> AsyncIterator[FastAPI]:
    app = create_app(settings, consume=False, gauges=False)
    app.state.verifier = issuer.verifier()
    yield app
    await app.state.runtime.engine.dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://reporting.test") as client:
        yield client


@pytest.fixture
def runtime(app: FastAPI) -> ServiceRuntime:
    runtime: ServiceRuntime = app.state.runtime
    return runtime


Apply = Callable[[Envelopes], Awaitable[None]]


@pytest.fixture
def apply(runtime: ServiceRuntime) -> Apply:
    """Apply envelopes through the consumer's handler, one transaction each, as delivered."""

    async def apply(envelopes: Envelopes) -> None:
        for topic, envelope in envelopes:
            async with runtime.sessions() as session, session.begin():
                await record_fact_on(topic)(session, envelope)

    return apply


@pytest.fixture
def rebuilt(runtime: ServiceRuntime) -> Callable[[], Awaitable[int]]:
    async def rebuilt() -> int:
        return await rebuild(runtime.sessions, batch_size=7)  # small: several batches

    return rebuilt


Headers = Callable[..., dict[str, str]]


@pytest.fixture
def as_role(issuer: TokenIssuer) -> Headers:
    """`as_role("clinic_admin", clinic_id)` -> Authorization headers of a fresh user."""

    def headers(role: str, clinic_id: uuid.UUID | None = None) -> dict[str, str]:
        return issuer.headers(uuid.uuid4(), Membership(role, clinic_id))

    return headers


Summary = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def summary(client: httpx.AsyncClient, as_role: Headers) -> Summary:
    """The JSON summary as an org admin: `await summary(clinic=..., period="week", ...)`."""

    async def fetch(**query: Any) -> dict[str, Any]:
        params = {k: str(v) for k, v in query.items() if v is not None}
        response = await client.get(
            "/v1/reports/summary", params=params, headers=as_role("org_admin")
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return fetch
