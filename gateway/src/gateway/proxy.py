"""Forwarding to the owning service: pooled, traced clients; bodies streamed both ways."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import quote

import httpx
from asgi_correlation_id import correlation_id
from fastapi import Request
from fastapi.responses import StreamingResponse
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from prometheus_client import Counter, Histogram
from servicekit.problem_types import ProblemSlug
from servicekit.problems import Problem
from starlette.background import BackgroundTask
from starlette.types import Scope

from gateway.headers import (
    ClientView,
    client_response_headers,
    upstream_request_headers,
)
from gateway.settings import Settings
from gateway.transport import UpstreamTransport

log = logging.getLogger(__name__)

UPSTREAM_RESPONSES = Counter(
    "gateway_upstream_responses_total",
    "Proxied requests by service and outcome (status code, unavailable, timeout, error)",
    ["service", "outcome"],
)
UPSTREAM_SECONDS = Histogram(
    "gateway_upstream_response_seconds",
    "Time until the upstream's response headers arrived",
    ["service"],
)
RETRY_AFTER_UNAVAILABLE = "5"


class BodyTooLarge(Problem):
    status, slug = 413, "payload-too-large"


class Upstreams:
    """One pooled, keep-alive, traced HTTP client per service."""

    def __init__(self, settings: Settings) -> None:
        self.clients = {
            service: _pooled_client(url, settings) for service, url in settings.upstreams().items()
        }

    def client(self, service: str) -> httpx.AsyncClient:
        """The client of one service."""
        return self.clients[service]

    async def health(self) -> dict[str, str]:
        """Each service's /healthz outcome: ok, `status <code>` or unreachable."""
        names = list(self.clients)
        outcomes = await asyncio.gather(*(self._health(name) for name in names))
        return dict(zip(names, outcomes, strict=True))

    async def _health(self, service: str) -> str:
        try:
            response = await self.clients[service].get("/healthz", timeout=2.0)
        except httpx.HTTPError:
            return "unreachable"
        return "ok" if response.status_code == 200 else f"status {response.status_code}"

    async def aclose(self) -> None:
        """Close every connection pool."""
        await asyncio.gather(*(client.aclose() for client in self.clients.values()))


def _pooled_client(base_url: str, settings: Settings) -> httpx.AsyncClient:
    client = httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(
            settings.upstream_timeout_seconds, connect=settings.upstream_connect_timeout_seconds
        ),
        transport=UpstreamTransport(settings.upstream_max_connections),
        trust_env=False,  # services are internal: no HTTP(S)_PROXY detour
    )
    # httpx's own defaults would change the request (an Accept-Encoding the caller never sent
    # would bring back a compressed body it cannot read); the caller's headers go as they are.
    for name in ("accept", "accept-encoding", "user-agent"):
        del client.headers[name]
    # A client keeps the cookies responses set and sends them with later requests: through a
    # gateway those would be one caller's cookies replayed to the next. Keep none.
    client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    if settings.otel_exporter_otlp_endpoint:
        HTTPXClientInstrumentor().instrument_client(client)  # a span per call, and its traceparent
    return client


def upstream_url(base: httpx.URL, scope: Scope) -> httpx.URL:
    """The service's URL for a request: its path as the caller encoded it, and its query."""
    raw_path: bytes = scope.get("raw_path") or quote(scope["path"]).encode("ascii")
    query: bytes = scope.get("query_string", b"")
    target = base.raw_path.rstrip(b"/") + raw_path + (b"?" + query if query else b"")
    return base.copy_with(raw_path=target)


def _request_body(request: Request, limit: int) -> AsyncIterator[bytes] | None:
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise Problem("Content-Length is not a number.", slug="bad-content-length")
        if int(length) > limit:
            raise BodyTooLarge(f"The request body exceeds {limit} bytes.", limit=limit)
    elif "transfer-encoding" not in request.headers:
        return None
    return _limited(request.stream(), limit)


async def _limited(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    # A chunked body has no declared length, so it is counted as it streams through.
    seen = 0
    async for chunk in chunks:
        seen += len(chunk)
        if seen > limit:
            raise BodyTooLarge(f"The request body exceeds {limit} bytes.", limit=limit)
        if chunk:
            yield chunk


async def _relay(upstream: httpx.Response, service: str) -> AsyncIterator[bytes]:
    try:
        async for chunk in upstream.aiter_raw():
            yield chunk
    except httpx.HTTPError as exc:
        log.warning("the %s service broke off its response (%s)", service, exc)
        raise
    finally:
        await upstream.aclose()


def client_view(request: Request) -> ClientView:
    """The connection a request came in on, and its request id."""
    return ClientView(
        peer=request.client.host if request.client else "unknown",
        scheme=request.url.scheme,
        host=request.headers.get("host", ""),
        request_id=correlation_id.get(),
    )


async def forward(
    request: Request, service: str, upstreams: Upstreams, settings: Settings
) -> StreamingResponse:
    """Send the request to the service and stream its response back."""
    client = upstreams.client(service)
    headers = upstream_request_headers(
        list(request.scope["headers"]),
        client_view(request),
        trust_forwarded_for=settings.trust_forwarded_for,
    )
    outgoing = client.build_request(
        request.method,
        upstream_url(client.base_url, request.scope),
        headers=headers,
        content=_request_body(request, settings.max_body_bytes),
    )
    started = time.perf_counter()
    try:
        upstream = await client.send(outgoing, stream=True)
    except httpx.HTTPError as exc:
        raise _upstream_problem(service, exc) from exc
    UPSTREAM_SECONDS.labels(service).observe(time.perf_counter() - started)
    UPSTREAM_RESPONSES.labels(service, str(upstream.status_code)).inc()
    response = StreamingResponse(
        _relay(upstream, service),
        status_code=upstream.status_code,
        background=BackgroundTask(upstream.aclose),
    )
    response.raw_headers = client_response_headers(upstream.headers.raw)
    return response


def _upstream_problem(service: str, exc: httpx.HTTPError) -> Problem:
    # Not being able to connect (refused, or no answer to connect) means the service is down;
    # a service that accepted the request but is too slow is a gateway timeout.
    headers: dict[str, str] = {}
    slug: ProblemSlug
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        outcome, status, detail = "unavailable", 503, "is unavailable; try again shortly"
        slug, headers = "upstream-unavailable", {"Retry-After": RETRY_AFTER_UNAVAILABLE}
    elif isinstance(exc, httpx.TimeoutException):
        outcome, status, slug, detail = "timeout", 504, "upstream-timeout", "did not answer in time"
    else:
        outcome, status, slug, detail = "error", 502, "bad-upstream-response", "sent no response"
    log.warning("%s request to %s failed: %r", outcome, service, exc)
    UPSTREAM_RESPONSES.labels(service, outcome).inc()
    return Problem(
        f"The {service} service {detail}.",
        status=status,
        slug=slug,
        headers=headers,
        service=service,
    )
