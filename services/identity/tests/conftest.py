"""The identity app on the real PostgreSQL and broker, its JWKS fetched over ASGI."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from identity.app import create_app
from identity.security.keys import KeyRing
from identity.security.tokens import issue_access_token
from identity.settings import Settings
from servicekit.auth import JwksVerifier, Membership
from servicekit.testing.databases import CleanServiceDatabase
from servicekit.testing.fixtures import service_fixtures

from .support import PASSWORD, PHONE, Mint, Register, SignIn

BASE = "http://identity.test"

# Identity issues the tokens itself: its settings carry a key folder per test and its app
# verifies through its own JWKS, so those two fixtures are its own; the rest are the standard.
standard = service_fixtures("identity", Settings, create_app)
client, runtime = standard.client, standard.runtime


@pytest.fixture
async def settings(
    clean_service_database: CleanServiceDatabase,
    kafka_bootstrap_servers: str,
    kafka_topic_prefix: str,
    tmp_path: Path,
) -> Settings:
    return Settings(
        database_url=await clean_service_database("identity"),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=kafka_topic_prefix,
        keys_dir=tmp_path / "keys",
        jwks_url=f"{BASE}/.well-known/jwks.json",
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        app.state.verifier = JwksVerifier(
            settings.jwks_url,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            client=httpx.AsyncClient(transport=transport, base_url=BASE),
            revocations=app.state.runtime.revocations,
        )
        yield app


@pytest.fixture
def mint(settings: Settings) -> Mint:
    """Sign a token as identity would, for a caller holding `memberships`."""

    def mint(*memberships: Membership) -> dict[str, str]:
        ring = KeyRing(settings.keys_dir, create_if_missing=False)
        token = issue_access_token(
            ring.current,
            subject=uuid.uuid4(),
            memberships=memberships,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
        )
        return {"Authorization": f"Bearer {token}"}

    return mint


@pytest.fixture
def register(client: httpx.AsyncClient) -> Register:
    """Register a patient through the API; returns the created user."""

    async def register(phone: str = PHONE, **fields: object) -> dict[str, Any]:
        body = {"full_name": "Amina Odhiambo", "phone": phone, "password": PASSWORD, **fields}
        response = await client.post("/v1/auth/register", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return register


@pytest.fixture
def sign_in(client: httpx.AsyncClient) -> SignIn:
    """Sign in through the API; returns the token pair."""

    async def sign_in(username: str, password: str = PASSWORD) -> dict[str, Any]:
        response = await client.post(
            "/v1/auth/token", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    return sign_in
