"""Reporting on the real PostgreSQL: events applied through the consumer's handler, the API
called in-process (no broker needed: the lifespan is not started)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from reporting.app import create_app
from reporting.facts.handlers import record_fact_on
from reporting.rebuild_command import rebuild
from reporting.settings import Settings
from servicekit.auth import Membership
from servicekit.consumer import deliver
from servicekit.runtime import ServiceRuntime
from servicekit.testing.fixtures import service_fixtures
from servicekit.testing.issuer import TokenIssuer

from .activity import Envelopes, NairobiWeek, nairobi_week

# No broker and no lifespan: events come in through `apply`, the API is called in-process.
settings, issuer, app, client, runtime = service_fixtures(
    "reporting",
    Settings,
    lambda settings: create_app(settings, consume=False, gauges=False),
    broker=False,
    lifespan=False,
)[:5]


Apply = Callable[[Envelopes], Awaitable[None]]


@pytest.fixture
def apply(runtime: ServiceRuntime) -> Apply:
    """Apply envelopes through the consumer's handler, one transaction each, as delivered."""

    async def apply(envelopes: Envelopes) -> None:
        for topic, envelope in envelopes:
            async with runtime.sessions() as session, session.begin():
                await deliver(record_fact_on(topic), session, envelope)

    return apply


@pytest.fixture
async def kibera(apply: Apply) -> NairobiWeek:
    """Kibera's hand-counted week (activity.py), applied in the order it happened."""
    week = nairobi_week()
    await apply(week.clinic.envelopes)
    return week


Rebuilt = Callable[[], Awaitable[int]]


@pytest.fixture
def rebuilt(runtime: ServiceRuntime) -> Rebuilt:
    """Rebuild the rollups from the facts; the number of facts replayed."""

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
