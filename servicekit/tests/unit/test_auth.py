"""Token verification against a JWKS served over HTTP by a real ASGI app."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm
from servicekit.auth import JwksVerifier, Membership, Principal
from servicekit.problems import Unauthorized
from servicekit.revocations import RevocationProjection
from servicekit.testing.tokens import AUDIENCE, ISSUER, access_claims


class KeyServer:
    """Serves a JWKS whose keys the test can rotate, and counts fetches."""

    def __init__(self) -> None:
        self.keys: dict[str, Ed25519PrivateKey] = {}
        self.fetches = 0
        self.app = FastAPI()

        @self.app.get("/.well-known/jwks.json")
        async def jwks() -> dict[str, Any]:
            self.fetches += 1
            return {"keys": [self._jwk(kid, key) for kid, key in self.keys.items()]}

    @staticmethod
    def _jwk(kid: str, key: Ed25519PrivateKey) -> dict[str, Any]:
        jwk = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True)
        return {**jwk, "kid": kid, "alg": "EdDSA", "use": "sig"}

    def add_key(self, kid: str) -> Ed25519PrivateKey:
        self.keys[kid] = Ed25519PrivateKey.generate()
        return self.keys[kid]


def token(key: Any, kid: str, **overrides: Any) -> str:
    overrides.setdefault("roles", [{"role": "clinic_admin", "clinic_id": str(uuid.UUID(int=7))}])
    claims = access_claims(**overrides)
    algorithm = "HS256" if isinstance(key, bytes) else "EdDSA"
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


@pytest.fixture
def server() -> KeyServer:
    return KeyServer()


def verifier_of(server: KeyServer, **options: Any) -> JwksVerifier:
    """A verifier fetching the server's JWKS over HTTP, with `options` of its own."""
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=server.app), base_url="http://id")
    return JwksVerifier(
        "http://id/.well-known/jwks.json",
        issuer=ISSUER,
        audience=AUDIENCE,
        client=client,
        **options,
    )


@pytest.fixture
def verifier(server: KeyServer) -> JwksVerifier:
    return verifier_of(server, min_refresh_interval=0.0)


async def test_a_valid_token_gives_the_principal_and_its_roles(
    server: KeyServer, verifier: JwksVerifier
) -> None:
    key = server.add_key("k1")
    principal = await verifier.verify(token(key, "k1"))
    assert isinstance(principal, Principal)
    assert principal.memberships == (Membership("clinic_admin", uuid.UUID(int=7)),)
    assert principal.has_role(uuid.UUID(int=7), "clinic_admin")
    assert not principal.has_role(uuid.UUID(int=8), "clinic_admin")
    assert not principal.is_org_admin


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"exp": datetime.now(UTC) - timedelta(minutes=5)}, "expired"),
        ({"aud": "someone-else"}, "not valid"),
        ({"iss": "evil"}, "not valid"),
        ({"jti": None}, "not valid"),
        ({"nbf": datetime.now(UTC) + timedelta(hours=1)}, "not valid"),
    ],
)
async def test_bad_claims_are_refused(
    server: KeyServer, verifier: JwksVerifier, overrides: dict[str, Any], message: str
) -> None:
    key = server.add_key("k1")
    with pytest.raises(Unauthorized, match=message):
        await verifier.verify(token(key, "k1", **overrides))


async def test_a_symmetric_token_is_refused_even_with_a_known_kid(
    server: KeyServer, verifier: JwksVerifier
) -> None:
    server.add_key("k1")
    # The algorithm-confusion attack: an HMAC token naming a real key id.
    with pytest.raises(Unauthorized):
        await verifier.verify(token(b"guessable-shared-secret-0123456789", "k1"))


async def test_a_token_signed_by_an_unpublished_key_is_refused(
    server: KeyServer, verifier: JwksVerifier
) -> None:
    server.add_key("k1")
    with pytest.raises(Unauthorized, match="unknown key"):
        await verifier.verify(token(Ed25519PrivateKey.generate(), "k1-forged"))


async def test_rotation_refetches_the_jwks_on_an_unknown_kid(
    server: KeyServer, verifier: JwksVerifier
) -> None:
    old = server.add_key("old")
    await verifier.verify(token(old, "old"))
    assert server.fetches == 1
    new = server.add_key("new")
    await verifier.verify(token(new, "new"))
    await verifier.verify(token(old, "old"))
    assert server.fetches == 2


async def test_unknown_kids_do_not_hammer_the_key_server(server: KeyServer) -> None:
    server.add_key("k1")
    verifier = verifier_of(server, min_refresh_interval=60.0)
    for n in range(20):
        with pytest.raises(Unauthorized):
            await verifier.verify(token(Ed25519PrivateKey.generate(), f"forged-{n}"))
    assert server.fetches == 1


async def test_malformed_token_is_refused(verifier: JwksVerifier) -> None:
    with pytest.raises(Unauthorized, match="malformed"):
        await verifier.verify("not-a-jwt")


# --------------------------------------------------------------------- remembered tokens


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tokens whose signature PyJWT checked, in order."""
    checked: list[str] = []
    decode = jwt.decode

    def counted(token: str, *args: Any, **kwargs: Any) -> Any:
        checked.append(token)
        return decode(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)
    return checked


async def test_a_token_is_checked_once_while_it_is_valid(
    server: KeyServer, verifier: JwksVerifier, full_checks: list[str]
) -> None:
    signed = token(server.add_key("k1"), "k1")
    first = await verifier.verify(signed)
    assert await verifier.verify(signed) is first
    assert full_checks == [signed]


async def test_a_remembered_token_is_refused_once_its_key_leaves_the_jwks(
    server: KeyServer, verifier: JwksVerifier
) -> None:
    old = token(server.add_key("old"), "old")
    await verifier.verify(old)
    del server.keys["old"]  # withdrawn: the next unknown kid brings the new JWKS
    await verifier.verify(token(server.add_key("new"), "new"))
    with pytest.raises(Unauthorized, match="unknown key"):
        await verifier.verify(old)


async def test_refused_and_lapsed_tokens_are_checked_every_time(
    server: KeyServer, verifier: JwksVerifier, full_checks: list[str]
) -> None:
    key = server.add_key("k1")
    forged = token(Ed25519PrivateKey.generate(), "k1")
    # Past its exp but inside the leeway: it verifies, and is not remembered past its exp.
    lapsed = token(key, "k1", exp=datetime.now(UTC) - timedelta(seconds=2))
    for _ in range(2):
        with pytest.raises(Unauthorized):
            await verifier.verify(forged)
        await verifier.verify(lapsed)
    assert full_checks == [forged, lapsed] * 2


async def test_the_cache_keeps_only_the_most_recent_tokens(
    server: KeyServer, full_checks: list[str]
) -> None:
    key = server.add_key("k1")
    verifier = verifier_of(server, cache_size=2)
    tokens = {name: token(key, "k1") for name in "abc"}
    for name in "abacab":
        await verifier.verify(tokens[name])
    # b was the least recently used when c came
    assert full_checks == [tokens[name] for name in "abcb"]


async def test_a_remembered_token_is_refused_as_soon_as_its_session_or_user_is_revoked(
    server: KeyServer, full_checks: list[str]
) -> None:
    key = server.add_key("k1")
    revocations = RevocationProjection(leeway=5.0)
    verifier = verifier_of(server, revocations=revocations)
    session, other = token(key, "k1"), token(key, "k1")
    first = await verifier.verify(session)
    assert first.session_id is not None
    revocations.revoke_session(first.session_id, first.issued_at)
    with pytest.raises(Unauthorized) as refused:
        await verifier.verify(session)
    assert refused.value.extensions["reason"] == "session-revoked"
    second = await verifier.verify(other)
    revocations.revoke_user(second.user_id, second.issued_at + 0.000_001)
    with pytest.raises(Unauthorized, match="deactivated"):
        await verifier.verify(other)
    assert full_checks == [session, other]  # refused from the cache, without a second check
