"""Every crafted bad access token is refused by a real running gateway, never proxied.

The gateway, its JWKS (served by the identity stand-in) and the echoing services are the
real uvicorn servers of conftest.py; each request carries a marker header, so what reached a
service can be told apart from other tests' traffic.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from servicekit.testing.bad_tokens import bad_tokens, rejection_faults, valid_token

from .conftest import AUDIENCE, ISSUER, SigningKey, Upstream

PRIVATE_PATH = "/v1/appointments/bad-token-probe"  # booking's, never public

# Names only: the tokens are made when the tests run (some hold times), with the session key.
NAMES = [
    name for name, _ in bad_tokens(Ed25519PrivateKey.generate(), "names", issuer="i", audience="a")
]


@pytest.fixture(scope="module")
def tokens(signing_key: SigningKey) -> dict[str, str]:
    pairs = bad_tokens(signing_key.private_key, signing_key.kid, issuer=ISSUER, audience=AUDIENCE)
    return dict(pairs)


def received_anywhere(upstreams: dict[str, Upstream], marker: str) -> list[dict[str, Any]]:
    return [r for upstream in upstreams.values() for r in upstream.requests_marked(marker)]


def test_a_valid_token_reaches_the_service(
    client: httpx.Client, signing_key: SigningKey, upstreams: dict[str, Upstream], marker: str
) -> None:
    # The positive control: built as the bad tokens are, so their 401s come from the attacks.
    token = valid_token(signing_key.private_key, signing_key.kid, issuer=ISSUER, audience=AUDIENCE)
    response = client.get(
        PRIVATE_PATH, headers={"Authorization": f"Bearer {token}", "X-Test-Marker": marker}
    )
    assert response.status_code == 200, response.text
    (received,) = upstreams["booking"].requests_marked(marker)
    assert received["path"] == PRIVATE_PATH
    assert received["headers"]["authorization"] == f"Bearer {token}"


def test_there_are_at_least_thirty_attacks() -> None:
    assert len(set(NAMES)) >= 30


def send(client: httpx.Client, token: str, marker: str) -> httpx.Response:
    authorization = f"Bearer {token}".strip()  # the empty token: a bare "Bearer"
    headers = {"Authorization": authorization, "X-Test-Marker": marker}
    return client.get(PRIVATE_PATH, headers=headers)


@pytest.mark.parametrize("name", NAMES)
def test_a_bad_token_gets_a_401_and_never_reaches_a_service(
    client: httpx.Client,
    tokens: dict[str, str],
    upstreams: dict[str, Upstream],
    marker: str,
    name: str,
) -> None:
    response = send(client, tokens[name], marker)
    assert rejection_faults(response) == [], response.text[:500]
    assert "Traceback" not in response.text
    assert received_anywhere(upstreams, marker) == []
