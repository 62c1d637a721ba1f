"""What the gateway answers itself: bad tokens, services down or slow, bodies too big, floods."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .conftest import GatewayFactory, SigningKey, TokenFactory, Upstream, scrape

PROBLEM_JSON = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:clinic:problem:{slug}"
    assert "Traceback" not in response.text
    return body


def expired(mint_token: TokenFactory) -> str:
    past = datetime.now(UTC) - timedelta(hours=2)
    return mint_token(iat=past, nbf=past, exp=past + timedelta(minutes=15))


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(expired, id="expired"),
        pytest.param(lambda mint: mint(aud="another-api"), id="wrong-audience"),
        pytest.param(lambda mint: mint(iss="someone-else"), id="wrong-issuer"),
        pytest.param(
            lambda mint: mint(SigningKey(Ed25519PrivateKey.generate(), kid="test-key-1")),
            id="forged-signature",
        ),
        pytest.param(
            lambda mint: mint(SigningKey(Ed25519PrivateKey.generate(), kid="unknown")),
            id="unknown-key",
        ),
        pytest.param(lambda mint: "not-a-jwt", id="malformed"),
        pytest.param(lambda mint: "", id="empty"),
    ],
)
def test_invalid_tokens_are_refused_before_any_service_sees_them(
    client: httpx.Client,
    mint_token: TokenFactory,
    upstreams: dict[str, Upstream],
    marker: str,
    make_token: Callable[[TokenFactory], str],
) -> None:
    authorization = f"Bearer {make_token(mint_token)}".strip()
    headers = {"Authorization": authorization, "X-Test-Marker": marker}
    response = client.get("/v1/appointments", headers=headers)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["x-request-id"]
    assert upstreams["booking"].requests_marked(marker) == []


def test_a_service_that_is_down_is_a_503_with_retry_after(user_client: httpx.Client) -> None:
    response = user_client.get("/v1/notifications")
    body = assert_problem(response, 503, "upstream-unavailable")
    assert response.headers["retry-after"] == "5"
    assert body["service"] == "notify"
    assert "notify" in body["detail"]


def test_a_service_too_slow_to_answer_is_a_504(
    start_gateway: GatewayFactory, mint_token: TokenFactory
) -> None:
    url = start_gateway(upstream_timeout_seconds=0.5)
    auth = {"Authorization": f"Bearer {mint_token()}"}
    with httpx.Client(base_url=url, trust_env=False, timeout=20, headers=auth) as impatient:
        response = impatient.get("/v1/reports/monthly/slow")
    body = assert_problem(response, 504, "upstream-timeout")
    assert body["service"] == "reporting"


def test_a_declared_body_over_the_limit_is_refused_unsent(
    user_client: httpx.Client, upstreams: dict[str, Upstream], marker: str
) -> None:
    response = user_client.post(
        "/v1/appointments", content=b"x" * 2048, headers={"X-Test-Marker": marker}
    )
    body = assert_problem(response, 413, "payload-too-large")
    assert body["limit"] == 1024
    assert upstreams["booking"].requests_marked(marker) == []


def test_a_chunked_body_over_the_limit_is_refused(user_client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield from (b"x" * 1000 for _ in range(3))

    assert_problem(user_client.post("/v1/appointments", content=chunks()), 413, "payload-too-large")


def test_a_body_at_the_limit_passes(user_client: httpx.Client) -> None:
    response = user_client.post("/v1/appointments", content=b"x" * 1024)
    assert response.status_code == 200
    assert response.json()["body"] == "x" * 1024


def test_a_client_over_its_rate_is_a_429_with_retry_after(
    start_gateway: GatewayFactory, mint_token: TokenFactory
) -> None:
    url = start_gateway(rate_limit_burst=3, rate_limit_per_minute=1, trust_forwarded_for=True)
    auth = {"Authorization": f"Bearer {mint_token()}"}
    with httpx.Client(base_url=url, trust_env=False, timeout=20, headers=auth) as http:
        flood = {"X-Forwarded-For": "203.0.113.7"}
        passed = [http.get("/v1/slots", headers=flood) for _ in range(3)]
        assert [r.status_code for r in passed] == [200, 200, 200]
        assert [r.headers["ratelimit-remaining"] for r in passed] == ["2", "1", "0"]

        refused = http.get("/v1/slots", headers=flood)
        assert_problem(refused, 429, "rate-limited")
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["ratelimit-limit"] == "3"
        assert refused.headers["ratelimit-remaining"] == "0"
        assert refused.headers["x-request-id"]

        other_client = http.get("/v1/slots", headers={"X-Forwarded-For": "203.0.113.8"})
        assert other_client.status_code == 200
        assert all(http.get("/healthz", headers=flood).status_code == 200 for _ in range(5))
        assert 'gateway_rate_limited_total{scope="client"}' in scrape(url)
