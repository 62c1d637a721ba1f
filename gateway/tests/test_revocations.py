"""The gateway refuses revoked tokens, read from identity's topic on the session's real broker."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from clinic_contracts.envelope import Event, encode, new_envelope
from clinic_contracts.identity import (
    IDENTITY_TOPIC,
    MembershipRevoked,
    SessionRevoked,
    UserDeactivated,
)

from .conftest import TokenFactory, Upstream

CLINIC = uuid.uuid4()
DEADLINE_SECONDS = 30.0
Announce = Callable[[Event], Awaitable[None]]


@pytest.fixture
async def announce(
    kafka_bootstrap_servers: str, revocations_topic_prefix: str
) -> AsyncIterator[Announce]:
    """Publish identity events where the session's gateways read them."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
    await producer.start()

    async def publish(event: Event) -> None:
        envelope = new_envelope(event, producer="identity")
        topic = f"{revocations_topic_prefix}{IDENTITY_TOPIC}"
        await producer.send_and_wait(topic, encode(envelope), key=envelope.aggregate_id.encode())

    yield publish
    await producer.stop()


async def refused_within(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    """The first answer that is not 200, polling until the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        response = await client.get("/v1/slots", headers=headers)
        if response.status_code != 200 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.05)


@pytest.fixture
async def client(gateway_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway_url, trust_env=False, timeout=20) as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def now_utc() -> datetime:
    return datetime.now(UTC)


async def test_a_signed_out_session_is_refused_and_the_users_other_session_is_not(
    client: httpx.AsyncClient,
    announce: Announce,
    mint_token: TokenFactory,
    upstreams: dict[str, Upstream],
) -> None:
    user, ended, other = str(uuid.uuid4()), uuid.uuid4(), uuid.uuid4()
    signed_out = bearer(mint_token(sub=user, sid=str(ended)))
    still_in = bearer(mint_token(sub=user, sid=str(other)))
    assert (await client.get("/v1/slots", headers=signed_out)).status_code == 200  # remembered

    await announce(
        SessionRevoked(
            user_id=uuid.UUID(user), session_id=ended, reason="signed_out", revoked_at=now_utc()
        )
    )

    refused = await refused_within(client, signed_out)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert refused.json()["reason"] == "session-revoked"
    assert (await client.get("/v1/slots", headers=still_in)).status_code == 200
    seen = len(upstreams["booking"].received)
    await client.get("/v1/slots", headers=signed_out)
    assert len(upstreams["booking"].received) == seen  # nothing was forwarded


async def test_a_deactivated_users_tokens_are_refused_and_later_ones_accepted(
    client: httpx.AsyncClient, announce: Announce, mint_token: TokenFactory
) -> None:
    user = uuid.uuid4()
    before = bearer(mint_token(sub=str(user)))
    deactivated_at = now_utc()
    await asyncio.sleep(0.01)
    after = bearer(mint_token(sub=str(user)))  # as if the account came back

    await announce(UserDeactivated(user_id=user, deactivated_at=deactivated_at))

    refused = await refused_within(client, before)
    assert refused.status_code == 401
    assert refused.json()["reason"] == "account-deactivated"
    assert (await client.get("/v1/slots", headers=after)).status_code == 200


async def test_a_revoked_roles_tokens_are_refused_and_tokens_without_it_accepted(
    client: httpx.AsyncClient, announce: Announce, mint_token: TokenFactory
) -> None:
    user = uuid.uuid4()
    role = {"role": "receptionist", "clinic_id": str(CLINIC)}
    with_role = bearer(mint_token(sub=str(user), roles=[role]))
    without_role = bearer(mint_token(sub=str(user), roles=[]))

    await announce(
        MembershipRevoked(user_id=user, clinic_id=CLINIC, role="receptionist", revoked_at=now_utc())
    )

    refused = await refused_within(client, with_role)
    assert refused.status_code == 401
    assert refused.json()["reason"] == "role-revoked"
    assert (await client.get("/v1/slots", headers=without_role)).status_code == 200
