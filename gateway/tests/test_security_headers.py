"""Security headers through a real gateway: once each, whether the gateway or a service answered."""

from __future__ import annotations

import httpx
from servicekit.security_headers import API_POLICY

SECURITY = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "content-security-policy": API_POLICY,
}


def once(response: httpx.Response, name: str) -> str:
    values = response.headers.get_list(name)
    assert len(values) == 1, (response.request.url, name, values)
    return values[0]


def test_a_proxied_answer_carries_each_header_once(user_client: httpx.Client) -> None:
    # The echoing services set these headers too, as every service does.
    response = user_client.get("/v1/users")
    assert response.status_code == 200
    assert response.json()["service"] == "identity"
    assert {name: once(response, name) for name in SECURITY} == SECURITY


def test_the_gateways_own_answers_carry_them(client: httpx.Client) -> None:
    for path in ("/v1/users", "/v1/nowhere", "/healthz", "/readyz", "/openapi.json"):
        response = client.get(path)  # 401, 404 and the gateway's own endpoints
        assert {name: once(response, name) for name in SECURITY} == SECURITY, path


def test_a_services_own_caching_choice_passes_unchanged(user_client: httpx.Client) -> None:
    response = user_client.get("/v1/appointment-types/cacheable")
    assert once(response, "cache-control") == "max-age=60"


def test_no_answer_names_the_server(client: httpx.Client, user_client: httpx.Client) -> None:
    for response in (client.get("/healthz"), client.get("/nowhere"), user_client.get("/v1/slots")):
        assert "server" not in response.headers


def test_paths_outside_the_api_get_no_policy_from_the_gateway(client: httpx.Client) -> None:
    response = client.get("/")  # where the web app will be served, with its own policy
    assert response.status_code == 404
    assert once(response, "x-content-type-options") == "nosniff"
    assert "content-security-policy" not in response.headers


def test_swagger_ui_runs_under_its_own_policy(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    policy = once(page, "content-security-policy")
    assert "script-src 'self' 'sha256-" in policy
    assert "frame-ancestors 'none'" in policy
    script = client.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
