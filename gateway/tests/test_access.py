"""Who gets through: a token is needed except on public paths, and each user has a budget."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import GatewayFactory, ThreadedServer, TokenFactory, Upstream, echo_app, scrape

PROBLEM_JSON = "application/problem+json"


def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "urn:clinic:problem:unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.fixture(scope="module")
def notify_upstream() -> Iterator[Upstream]:
    """A notify service that is up, for gateways that need one (the shared one's is down)."""
    upstream = Upstream("notify")
    server = ThreadedServer(echo_app(upstream)).start()
    upstream.url = server.url
    try:
        yield upstream
    finally:
        server.stop()


@pytest.fixture(scope="module")
def notify_gateway_url(start_gateway: GatewayFactory, notify_upstream: Upstream) -> str:
    """A gateway whose notify service is up, so webhooks reach it."""
    return start_gateway(notify_url=notify_upstream.url)


@pytest.fixture
def anonymous(notify_gateway_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=notify_gateway_url, trust_env=False, timeout=20) as http:
        yield http


@pytest.mark.parametrize(
    ("method", "path", "service"),
    [
        ("GET", "/v1/appointments", "booking"),
        ("POST", "/v1/appointments", "booking"),
        ("GET", "/v1/users/42", "identity"),
        ("GET", "/v1/audit-events", "identity"),
        ("POST", "/v1/auth/login", "identity"),  # not on the public list
        ("GET", "/v1/auth/token", "identity"),  # public for POST only
        ("DELETE", "/.well-known/jwks.json", "identity"),
        ("OPTIONS", "/v1/slots", "booking"),  # not a CORS preflight: no Origin
    ],
)
def test_a_request_without_a_token_is_refused_unsent(
    anonymous: httpx.Client,
    upstreams: dict[str, Upstream],
    marker: str,
    method: str,
    path: str,
    service: str,
) -> None:
    response = anonymous.request(method, path, headers={"X-Test-Marker": marker})
    assert_unauthorized(response)
    assert response.headers["x-request-id"]
    assert upstreams[service].requests_marked(marker) == []


def test_another_scheme_than_bearer_is_no_token(
    anonymous: httpx.Client, upstreams: dict[str, Upstream], marker: str
) -> None:
    headers = {"Authorization": "Basic eA==", "X-Test-Marker": marker}
    assert_unauthorized(anonymous.get("/v1/reports/daily", headers=headers))
    assert upstreams["reporting"].requests_marked(marker) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/auth/register"),
        ("POST", "/v1/auth/token"),
        ("POST", "/v1/auth/refresh"),
        ("GET", "/v1/auth/password-policy"),
        ("POST", "/v1/auth/session"),
        ("POST", "/v1/auth/session/logout"),
    ],
)
def test_sign_up_and_sign_in_need_no_token(anonymous: httpx.Client, method: str, path: str) -> None:
    response = anonymous.request(method, path, json={"email": "a@b.example"})
    assert response.status_code == 200, response.text
    assert (response.json()["service"], response.json()["path"]) == ("identity", path)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_the_jwks_needs_no_token(anonymous: httpx.Client, method: str) -> None:
    assert anonymous.request(method, "/.well-known/jwks.json").status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_webhooks_need_no_token_whatever_the_method(
    anonymous: httpx.Client, notify_upstream: Upstream, marker: str, method: str
) -> None:
    path = "/v1/webhooks/sms/delivery"
    response = anonymous.request(method, path, headers={"X-Test-Marker": marker})
    assert response.status_code == 200, response.text
    assert [r["method"] for r in notify_upstream.requests_marked(marker)] == [method]


def test_another_scheme_on_a_webhook_is_left_to_the_service(anonymous: httpx.Client) -> None:
    response = anonymous.post("/v1/webhooks/sms", headers={"Authorization": "Basic eA=="})
    assert response.json()["headers"]["authorization"] == "Basic eA=="


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.json", "/docs"])
def test_the_gateways_own_endpoints_need_no_token(anonymous: httpx.Client, path: str) -> None:
    assert anonymous.get(path).status_code == 200


def test_a_cors_preflight_is_forwarded_without_a_token_while_cors_is_off(
    anonymous: httpx.Client,
) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    response = anonymous.options("/v1/appointments", headers=preflight)
    assert response.status_code == 200, response.text
    assert response.json()["service"] == "booking"
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    ("path", "service"),
    [("/v1/auth/token", "identity"), ("/v1/webhooks/sms", "notify")],
)
def test_a_bad_token_on_a_public_path_is_still_refused(
    anonymous: httpx.Client,
    upstreams: dict[str, Upstream],
    notify_upstream: Upstream,
    mint_token: TokenFactory,
    marker: str,
    path: str,
    service: str,
) -> None:
    headers = {"Authorization": f"Bearer {mint_token(aud='another-api')}", "X-Test-Marker": marker}
    assert_unauthorized(anonymous.post(path, headers=headers))
    upstream = notify_upstream if service == "notify" else upstreams[service]
    assert upstream.requests_marked(marker) == []


def test_a_valid_token_on_a_public_path_passes(
    anonymous: httpx.Client, mint_token: TokenFactory
) -> None:
    auth = {"Authorization": f"Bearer {mint_token()}"}
    assert anonymous.post("/v1/auth/refresh", headers=auth).status_code == 200


def test_a_user_over_its_rate_is_refused_from_any_address(
    start_gateway: GatewayFactory,
    mint_token: TokenFactory,
    upstreams: dict[str, Upstream],
    marker: str,
) -> None:
    url = start_gateway(
        rate_limit_user_burst=2, rate_limit_user_per_minute=1, trust_forwarded_for=True
    )
    token, other_users_token = mint_token(), mint_token()

    with httpx.Client(base_url=url, trust_env=False, timeout=20) as http:

        def get_slots(token: str, address: str, **extra: str) -> httpx.Response:
            headers = {"Authorization": f"Bearer {token}", "X-Forwarded-For": address, **extra}
            return http.get("/v1/slots", headers=headers)

        passed = [get_slots(token, f"198.51.100.{n}") for n in (1, 2)]
        assert [r.status_code for r in passed] == [200, 200]
        # The user's bucket is the tighter one, so it is the one reported.
        assert [r.headers["ratelimit-remaining"] for r in passed] == ["1", "0"]
        assert {r.headers["ratelimit-limit"] for r in passed} == {"2"}

        refused = get_slots(token, "198.51.100.3", **{"X-Test-Marker": marker})
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"] == PROBLEM_JSON
        assert refused.json()["type"] == "urn:clinic:problem:rate-limited"
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["ratelimit-limit"] == "2"
        assert refused.headers["ratelimit-remaining"] == "0"
        assert upstreams["booking"].requests_marked(marker) == []

        assert get_slots(other_users_token, "198.51.100.3").status_code == 200
        assert 'gateway_rate_limited_total{scope="user"}' in scrape(url)
