"""Every crafted bad access token is refused by JwksVerifier; a valid one is accepted.

The JWKS is served over HTTP by a real FastAPI app (through httpx's ASGI transport), and the
verifier keeps its production refetch interval.
"""

from __future__ import annotations

import string
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm
from servicekit.auth import JwksVerifier, Principal
from servicekit.problems import Unauthorized
from servicekit.testing.bad_tokens import bad_tokens, valid_token

ISSUER, AUDIENCE, KID = "bad-tokens-identity", "bad-tokens-api", "bad-tokens-key-1"
JWKS_URL = "http://identity.test/.well-known/jwks.json"
KEY, OTHER_KEY = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
# Names only: the tokens themselves are made when the tests run, since some hold times.
NAMES = [name for name, _ in bad_tokens(KEY, KID, issuer=ISSUER, audience=AUDIENCE)]


def jwks_app() -> FastAPI:
    app = FastAPI()
    jwk = OKPAlgorithm.to_jwk(KEY.public_key(), as_dict=True)

    @app.get("/.well-known/jwks.json")
    async def jwks() -> dict[str, Any]:
        # A second, unrelated key: the verifier must pick by kid, not try them all.
        other = OKPAlgorithm.to_jwk(OTHER_KEY.public_key(), as_dict=True)
        return {
            "keys": [
                {**jwk, "kid": KID, "alg": "EdDSA", "use": "sig"},
                {**other, "kid": "bad-tokens-key-0", "alg": "EdDSA", "use": "sig"},
            ]
        }

    return app


@pytest.fixture(scope="module")
def tokens() -> dict[str, str]:
    return dict(bad_tokens(KEY, KID, issuer=ISSUER, audience=AUDIENCE))


@pytest.fixture
async def verifier() -> AsyncIterator[JwksVerifier]:
    transport = httpx.ASGITransport(app=jwks_app())
    client = httpx.AsyncClient(transport=transport, base_url="http://identity.test")
    verifier = JwksVerifier(JWKS_URL, issuer=ISSUER, audience=AUDIENCE, client=client)
    yield verifier
    await verifier.aclose()


def test_there_are_at_least_thirty_distinct_attacks() -> None:
    pairs = bad_tokens(KEY, KID, issuer=ISSUER, audience=AUDIENCE)
    names = [name for name, _ in pairs]
    assert len(pairs) >= 30
    assert len(set(names)) == len(names), "attack names must be unique"
    assert len({token for _, token in pairs}) == len(pairs), "attacks must differ"


def test_every_token_fits_in_an_authorization_header(tokens: dict[str, str]) -> None:
    allowed = set(string.ascii_letters + string.digits + string.punctuation)
    for name, token in tokens.items():
        assert set(token) <= allowed, name


async def test_a_valid_token_is_accepted(verifier: JwksVerifier) -> None:
    # The positive control: built exactly as the bad tokens are, so the refusals below come
    # from each attack's one deviation and not from how the tokens are made.
    principal = await verifier.verify(valid_token(KEY, KID, issuer=ISSUER, audience=AUDIENCE))
    assert isinstance(principal, Principal)
    assert [m.role for m in principal.memberships] == ["patient"]


@pytest.mark.parametrize("name", NAMES)
async def test_a_bad_token_is_refused(
    verifier: JwksVerifier, tokens: dict[str, str], name: str
) -> None:
    # The JWKS is fetched first, as in a running service, so unknown-kid cases meet a warm
    # cache with its refetch interval.
    await verifier.verify(valid_token(KEY, KID, issuer=ISSUER, audience=AUDIENCE))
    with pytest.raises(Unauthorized):
        await verifier.verify(tokens[name])
