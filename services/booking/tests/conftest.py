"""The booking app on the real PostgreSQL and broker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from booking.app import create_app
from booking.projection.handlers import on_event
from booking.settings import Settings
from clinic_contracts.envelope import Event, new_envelope
from fastapi import FastAPI
from servicekit.runtime import ServiceRuntime
from servicekit.testing.apps import serving
from servicekit.testing.issuer import TokenIssuer


@pytest.fixture
async def settings(
    clean_service_database, kafka_bootstrap_servers: str, kafka_topic_prefix: str
) -> Settings:
    return Settings(
        database_url=await clean_service_database("booking"),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=kafka_topic_prefix,
    )


@pytest.fixture
def issuer() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture
async def app(settings: Settings, issuer: TokenIssuer) -> AsyncIterator[FastAPI]:
    # Events are applied by `apply` through the consumer's own handler; test_projection.py
    # also runs the consumer on the real broker.
    app = create_app(settings, consume=False)
    async with serving(app, issuer.verifier()):
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://booking.test") as client:
        yield client


@pytest.fixture
def runtime(app: FastAPI) -> ServiceRuntime:
    runtime: ServiceRuntime = app.state.runtime
    return runtime


Apply = Callable[..., Awaitable[None]]


@pytest.fixture
def apply(runtime: ServiceRuntime) -> Apply:
    """Apply events through the consumer's handler, one transaction each."""

    async def apply(*events: Event) -> None:
        for event in events:
            async with runtime.sessions() as session, session.begin():
                await on_event(session, new_envelope(event, producer="test"))

    return apply
