"""The edge verifier remembers tokens that verified, until they expire, and nothing else."""

from __future__ import annotations

import time
import uuid

import pytest
from gateway.tokens import EdgeVerifier
from servicekit.auth import JwksVerifier, Principal
from servicekit.problems import Unauthorized
from servicekit.revocations import RevocationProjection

USER, SESSION = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def verifier(monkeypatch: pytest.MonkeyPatch) -> tuple[EdgeVerifier, list[str]]:
    checked: list[str] = []

    async def full_check(self: JwksVerifier, token: str) -> Principal:
        checked.append(token)
        if token.startswith("bad"):
            raise Unauthorized("The access token is not valid.")
        lifetime = 0.0 if token.startswith("expired") else 60.0
        return Principal(
            USER,
            token_id=token,
            expires_at=time.time() + lifetime,
            issued_at=time.time(),
            session_id=SESSION,
        )

    monkeypatch.setattr(JwksVerifier, "decode", full_check)
    edge = EdgeVerifier(
        "http://jwks.invalid/jwks.json",
        issuer="i",
        audience="a",
        cache_size=2,
        revocations=RevocationProjection(leeway=5.0),
    )
    return edge, checked


async def test_a_token_is_checked_once_while_it_is_valid(
    verifier: tuple[EdgeVerifier, list[str]],
) -> None:
    edge, checked = verifier
    first = await edge.verify("token-1")
    assert await edge.verify("token-1") is first
    assert checked == ["token-1"]


async def test_refused_and_expired_tokens_are_checked_every_time(
    verifier: tuple[EdgeVerifier, list[str]],
) -> None:
    edge, checked = verifier
    for _ in range(2):
        with pytest.raises(Unauthorized):
            await edge.verify("bad-token")
        await edge.verify("expired-token")
    assert checked == ["bad-token", "expired-token"] * 2


async def test_the_cache_keeps_only_the_most_recent_tokens(
    verifier: tuple[EdgeVerifier, list[str]],
) -> None:
    edge, checked = verifier
    for token in ("a", "b", "a", "c", "a", "b"):
        await edge.verify(token)
    assert checked == ["a", "b", "c", "b"]  # b was the least recently used when c arrived


async def test_a_remembered_token_is_refused_as_soon_as_its_session_is_revoked(
    verifier: tuple[EdgeVerifier, list[str]],
) -> None:
    edge, checked = verifier
    await edge.verify("token-1")
    assert edge.revocations is not None
    edge.revocations.revoke_session(SESSION, time.time())
    with pytest.raises(Unauthorized) as refused:
        await edge.verify("token-1")
    assert refused.value.extensions["reason"] == "session-revoked"
    assert checked == ["token-1"]  # refused from the cache, without decoding it again


async def test_a_remembered_token_is_refused_once_its_user_is_deactivated(
    verifier: tuple[EdgeVerifier, list[str]],
) -> None:
    edge, _ = verifier
    principal = await edge.verify("token-1")
    assert edge.revocations is not None
    edge.revocations.revoke_user(USER, principal.issued_at + 0.000_001)
    with pytest.raises(Unauthorized, match="deactivated"):
        await edge.verify("token-1")
