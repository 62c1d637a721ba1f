"""What identity's tests share: the fixtures' call shapes, the sign-up password, and reading the
database as the test (not the service) sees it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Protocol

import httpx
import jwt
from identity.settings import Settings
from servicekit.auth import Membership
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

PASSWORD = "a long enough passphrase"
ORG_ADMIN = Membership("org_admin")
PHONE = "+254712345678"
"""The phone number `register` signs a patient up with unless told otherwise."""
DEADLINE_SECONDS = 30.0
"""How long a revocation may take to reach the identity app's own verifier."""


class Mint(Protocol):
    """The `mint` fixture: headers with a token identity signed for a new subject."""

    def __call__(self, *memberships: Membership) -> dict[str, str]: ...


class Register(Protocol):
    """The `register` fixture: a patient signed up through the API; the created account."""

    async def __call__(self, phone: str = PHONE, **fields: object) -> dict[str, Any]: ...


class SignIn(Protocol):
    """The `sign_in` fixture: a token pair from POST /v1/auth/token."""

    async def __call__(self, username: str, password: str = PASSWORD) -> dict[str, Any]: ...


def bearer(pair: dict[str, Any]) -> dict[str, str]:
    """The Authorization header of a token pair's access token."""
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def rows(settings: Settings, sql: str, **params: object) -> list[tuple[Any, ...]]:
    """The rows a query returns, on a connection of its own."""
    engine = create_async_engine(settings.database_url.get_secret_value())
    async with engine.connect() as connection:
        result = [tuple(r) for r in await connection.execute(text(sql), params)]
    await engine.dispose()
    return result


async def attempts(settings: Settings) -> list[dict[str, Any]]:
    """The DuplicateRegistrationAttempted envelopes staged in the outbox, oldest first."""
    found = await rows(
        settings,
        "SELECT envelope FROM identity.outbox "
        "WHERE event_type = 'DuplicateRegistrationAttempted' ORDER BY id",
    )
    return [e if isinstance(e, dict) else json.loads(e) for (e,) in found]


async def refused(
    client: httpx.AsyncClient, headers: dict[str, str], path: str = "/v1/me"
) -> httpx.Response:
    """The first answer to GET `path` that is not 200, polling until the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        response = await client.get(path, headers=headers)
        if response.status_code != 200 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.05)


def claims_of(pair: dict[str, Any]) -> dict[str, Any]:
    """The claims of a token pair's access token, unverified."""
    return dict(jwt.decode(pair["access_token"], options={"verify_signature": False}))


async def staged(settings: Settings, event_type: str) -> list[dict[str, Any]]:
    """The payloads of the events of one type staged in the outbox, oldest first."""
    found = await rows(
        settings,
        "SELECT envelope->'payload' FROM identity.outbox WHERE event_type = :type ORDER BY id",
        type=event_type,
    )
    return [payload for (payload,) in found]
