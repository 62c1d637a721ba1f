"""CORS: allowed origins get the Access-Control-* headers, preflights are answered tokenless."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import GatewayFactory, TokenFactory, Upstream

APP = "https://app.example"
OTHER = "https://evil.example"


@pytest.fixture(scope="module")
def cors_gateway_url(start_gateway: GatewayFactory) -> str:
    return start_gateway(cors_origins=[APP, "https://admin.example"])


@pytest.fixture
def browser(cors_gateway_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=cors_gateway_url, trust_env=False, timeout=20) as http:
        yield http


def preflight(origin: str, marker: str, method: str = "POST") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        "X-Test-Marker": marker,
    }


def listed(response: httpx.Response, header: str) -> set[str]:
    return {item.strip().lower() for item in response.headers.get(header, "").split(",")}


def test_a_preflight_from_an_allowed_origin_is_answered_without_a_token(
    browser: httpx.Client, upstreams: dict[str, Upstream], marker: str
) -> None:
    response = browser.options("/v1/appointments", headers=preflight(APP, marker))
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == APP
    assert {"get", "post", "put", "patch", "delete", "options"} <= listed(
        response, "access-control-allow-methods"
    )
    assert {"authorization", "content-type", "idempotency-key", "x-request-id", "if-match"} <= (
        listed(response, "access-control-allow-headers")
    )
    assert "access-control-allow-credentials" not in response.headers
    assert upstreams["booking"].requests_marked(marker) == []


def test_a_preflight_from_another_origin_allows_nothing(
    browser: httpx.Client, upstreams: dict[str, Upstream], marker: str
) -> None:
    response = browser.options("/v1/appointments", headers=preflight(OTHER, marker))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:clinic:problem:cors-not-allowed"
    assert not [name for name in response.headers if name.startswith("access-control-allow")]
    assert upstreams["booking"].requests_marked(marker) == []


def test_a_preflight_for_a_method_not_allowed_is_refused(browser: httpx.Client) -> None:
    response = browser.options("/v1/appointments", headers=preflight(APP, "x", method="TRACE"))
    assert response.status_code == 403


def test_responses_to_an_allowed_origin_expose_the_useful_headers(
    browser: httpx.Client, mint_token: TokenFactory
) -> None:
    headers = {"Origin": APP, "Authorization": f"Bearer {mint_token()}"}
    response = browser.get("/v1/slots", headers=headers)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP
    exposed = listed(response, "access-control-expose-headers")
    assert {"location", "retry-after", "ratelimit-limit", "ratelimit-remaining"} <= exposed
    assert {"x-request-id", "etag"} <= exposed


def test_the_gateways_own_refusals_are_readable_by_an_allowed_origin(
    browser: httpx.Client,
) -> None:
    response = browser.get("/v1/appointments", headers={"Origin": APP})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == APP


def test_another_origin_gets_no_allow_origin(
    browser: httpx.Client, mint_token: TokenFactory
) -> None:
    headers = {"Origin": OTHER, "Authorization": f"Bearer {mint_token()}"}
    response = browser.get("/v1/slots", headers=headers)
    assert response.status_code == 200  # the browser, not the gateway, withholds the body
    assert "access-control-allow-origin" not in response.headers


def test_no_origin_may_send_the_web_apps_csrf_header(browser: httpx.Client, marker: str) -> None:
    # identity's cookie routes require X-Requested-With: a page of another origin, even an
    # allowed one, cannot get past this preflight to send it with the session cookie.
    headers = {**preflight(APP, marker), "Access-Control-Request-Headers": "x-requested-with"}
    response = browser.options("/v1/auth/session/refresh", headers=headers)
    assert response.status_code == 403
    assert response.json()["type"] == "urn:clinic:problem:cors-not-allowed"
    assert "access-control-allow-origin" not in response.headers
