"""Requests through a real gateway reach the owning service as the caller sent them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from opentelemetry import trace

from .conftest import ROTATED_SESSION_COOKIE, TokenFactory, Upstream

PROBLEM_JSON = "application/problem+json"


def echoed(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/v1/users", "identity"),
        ("/v1/clinics/7", "identity"),
        ("/v1/clinics/7/coverage", "shifts"),
        ("/v1/shifts", "shifts"),
        ("/v1/appointments", "booking"),
        ("/v1/slots", "booking"),
        ("/v1/reports/daily", "reporting"),
    ],
)
def test_requests_reach_the_owning_service(
    user_client: httpx.Client, path: str, service: str
) -> None:
    received = echoed(user_client.get(path))
    assert (received["service"], received["path"]) == (service, path)


def test_method_path_query_and_body_arrive_unchanged(user_client: httpx.Client) -> None:
    response = user_client.post(
        "/v1/appointments/a%2Fb", params={"q": "two words", "n": "1"}, content=b"x" * 512
    )
    received = echoed(response)
    assert received["method"] == "POST"
    assert received["raw_path"] == "/v1/appointments/a%2Fb"
    assert received["query"] == "q=two+words&n=1"
    assert received["body"] == "x" * 512


def test_a_chunked_body_is_streamed_through(user_client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield from (b"abc", b"def", b"ghi")

    received = echoed(user_client.put("/v1/slots/1", content=chunks()))
    assert received["body"] == "abcdefghi"


def test_a_streamed_response_arrives_whole(user_client: httpx.Client) -> None:
    response = user_client.get("/v1/reports/export/stream")
    assert response.status_code == 200
    assert response.text.splitlines()[-1] == "line 999"
    assert len(response.text.splitlines()) == 1000


def test_head_requests_are_forwarded(user_client: httpx.Client) -> None:
    response = user_client.head("/v1/slots")
    assert response.status_code == 200
    assert response.content == b""


def test_unknown_paths_are_a_404_problem(client: httpx.Client) -> None:
    for path in ("/v1/nothing-here", "/v2/users", "/", "/v1/reports/%2e%2e/users"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["type"] == "urn:clinic:problem:not-found"


def test_hop_by_hop_request_headers_are_stripped(user_client: httpx.Client) -> None:
    headers = {
        "Connection": "keep-alive, X-Client-Hop",
        "X-Client-Hop": "secret",
        "Keep-Alive": "timeout=5",
        "Proxy-Authorization": "Basic c2VjcmV0",
        "TE": "trailers",
        "X-End-To-End": "kept",
    }
    received = echoed(user_client.get("/v1/slots", headers=headers))["headers"]
    for name in ("x-client-hop", "keep-alive", "proxy-authorization", "te"):
        assert name not in received
    assert "x-client-hop" not in received.get("connection", "").lower()
    assert received["x-end-to-end"] == "kept"


def test_hop_by_hop_response_headers_are_stripped(user_client: httpx.Client) -> None:
    response = user_client.get("/v1/slots/hop-by-hop")
    assert response.status_code == 200
    for name in ("x-upstream-hop", "keep-alive", "proxy-authenticate"):
        assert name not in response.headers
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert len(response.headers.get_list("x-request-id")) == 1
    assert len(response.headers.get_list("date")) == 1


def test_the_session_cookie_crosses_the_gateway_both_ways(
    client: httpx.Client, gateway_url: str
) -> None:
    headers = {"Cookie": "clinic_refresh=rt_old", "X-Requested-With": "clinic-web"}
    response = client.post("/v1/auth/session/refresh", headers=headers)  # public: no token
    assert response.status_code == 200, response.text
    assert response.json()["cookie"] == "clinic_refresh=rt_old"
    assert response.headers.get_list("set-cookie") == [ROTATED_SESSION_COOKIE]
    # The gateway kept nothing of it: another caller's request carries no cookie upstream.
    with httpx.Client(base_url=gateway_url, trust_env=False, timeout=20) as stranger:
        assert stranger.post("/v1/auth/session/refresh").json()["cookie"] is None


def test_forwarding_headers_name_the_caller(user_client: httpx.Client, gateway_url: str) -> None:
    spoofed = {"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.example"}
    received = echoed(user_client.get("/v1/slots", headers=spoofed))["headers"]
    assert received["x-forwarded-for"] == "127.0.0.1"
    assert received["x-forwarded-proto"] == "http"
    assert received["x-forwarded-host"] == gateway_url.removeprefix("http://")


def test_a_request_id_is_generated_and_passed_on(user_client: httpx.Client) -> None:
    response = user_client.get("/v1/slots")
    request_id = response.headers["x-request-id"]
    assert len(request_id) >= 8
    assert echoed(response)["headers"]["x-request-id"] == request_id


def test_the_callers_request_id_is_kept(user_client: httpx.Client) -> None:
    response = user_client.get("/v1/slots", headers={"X-Request-ID": "client-request-0001"})
    assert response.headers.get_list("x-request-id") == ["client-request-0001"]
    assert echoed(response)["headers"]["x-request-id"] == "client-request-0001"


def test_the_callers_trace_context_is_passed_on(user_client: httpx.Client) -> None:
    # Without an OTLP exporter the gateway records no spans of its own and stays transparent.
    parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    received = echoed(user_client.get("/v1/slots", headers={"traceparent": parent}))["headers"]
    assert received["traceparent"] == parent


class TraceIds(logging.Handler):
    """The trace id current where each record is logged, as the JSON logs would show it."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(format(trace.get_current_span().get_span_context().trace_id, "032x"))


def test_the_gateways_logs_carry_the_callers_trace_id(user_client: httpx.Client) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    handler, logger = TraceIds(), logging.getLogger("gateway.proxy")
    logger.addHandler(handler)
    try:
        parent = {"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}
        assert user_client.get("/v1/notifications", headers=parent).status_code == 503
    finally:
        logger.removeHandler(handler)
    assert handler.seen == [trace_id]  # "unavailable request to notify failed"


def test_a_valid_token_is_verified_and_forwarded_as_is(
    user_client: httpx.Client, mint_token: TokenFactory
) -> None:
    token = mint_token()
    received = echoed(user_client.get("/v1/me", headers={"Authorization": f"Bearer {token}"}))
    assert received["headers"]["authorization"] == f"Bearer {token}"


def test_the_jwks_is_cached_between_requests(
    user_client: httpx.Client, mint_token: TokenFactory, upstreams: dict[str, Upstream]
) -> None:
    auth = {"Authorization": f"Bearer {mint_token()}"}
    echoed(user_client.get("/v1/me", headers=auth))
    fetches = upstreams["identity"].jwks_fetches
    echoed(user_client.get("/v1/me", headers=auth))
    echoed(user_client.get("/v1/slots", headers=auth))
    assert upstreams["identity"].jwks_fetches == fetches
