"""Forwarding to the owning service: pooled clients; small bodies whole, others streamed."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import quote

import aiohttp
import httpx
import yarl
from asgi_correlation_id import correlation_id
from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from prometheus_client import Counter, Histogram
from servicekit.problem_types import ProblemSlug
from servicekit.problems import Problem
from starlette.background import BackgroundTask
from starlette.types import Scope

from gateway.headers import (
    ClientView,
    RawHeaders,
    client_response_headers,
    upstream_request_headers,
)
from gateway.settings import Settings
from gateway.transport import (
    Body,
    UpstreamTransport,
    aiohttp_response,
    iter_raw,
    read_whole,
    release,
    text_headers,
)

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
# Bodies up to this size are read whole and sent in one piece, both ways; larger or chunked
# ones stream through (a StreamingResponse costs a task group and a message per chunk).
WHOLE_BODY_MAX_BYTES = 64 * 1024
NO_BODY_STATUSES = frozenset({204, 304})
# The characters httpx's URL parser keeps as they are in a path, and in a query (it
# percent-encodes the others): a request target made of them alone is passed on without it.
PLAIN_PATH = re.compile(rb"[!$-;=@-_a-z|~]{0,65536}")
PLAIN_QUERY = re.compile(rb"[!$-;=?-~]{0,65536}")


class BodyTooLarge(Problem):
    status, slug = 413, "payload-too-large"


class Upstreams:
    """One pooled, keep-alive HTTP client per service.

    Proxied requests go straight to a client's aiohttp transport, past httpx's client and
    models; when spans are exported they go through the client instead, whose instrumentation
    records a span and sends its traceparent. Other calls always go through the client.
    """

    def __init__(self, settings: Settings) -> None:
        self.traced = bool(settings.otel_exporter_otlp_endpoint)
        self.timeout = _timeout(settings).as_dict()
        self._transports = {
            service: UpstreamTransport(settings.upstream_max_connections)
            for service in settings.upstreams()
        }
        self.clients = {
            service: _pooled_client(url, settings, self._transports[service])
            for service, url in settings.upstreams().items()
        }
        # Each service's URL without its trailing slash, as httpx writes it.
        self._origins = {
            service: str(client.base_url.copy_with(raw_path=client.base_url.raw_path.rstrip(b"/")))
            for service, client in self.clients.items()
        }

    def client(self, service: str) -> httpx.AsyncClient:
        """The client of one service."""
        return self.clients[service]

    def url(self, service: str, scope: Scope) -> str:
        """The service's URL for a request: its path as the caller encoded it, and its query."""
        raw_path: bytes = scope.get("raw_path") or quote(scope["path"]).encode("ascii")
        query: bytes = scope.get("query_string", b"")
        plain = PLAIN_PATH.fullmatch(raw_path) and PLAIN_QUERY.fullmatch(query)
        if not plain or b"/." in raw_path:  # httpx would quote it, or drop dot segments
            return parsed_url(self.clients[service].base_url, raw_path, query)
        target = self._origins[service] + raw_path.decode("ascii")
        return f"{target}?{query.decode('ascii')}" if query else target

    async def send(
        self, service: str, method: str, url: str, headers: RawHeaders, body: Body
    ) -> aiohttp.ClientResponse:
        """Send a request to a service as it is; its response once the head has arrived."""
        if self.traced:
            client = self.clients[service]
            request = client.build_request(method, url, headers=headers, content=body)
            return aiohttp_response(await client.send(request, stream=True))
        return await self._transports[service].send(
            method, yarl.URL(url, encoded=True), text_headers(headers), body, self.timeout
        )

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


def _timeout(settings: Settings) -> httpx.Timeout:
    return httpx.Timeout(
        settings.upstream_timeout_seconds, connect=settings.upstream_connect_timeout_seconds
    )


def _pooled_client(
    base_url: str, settings: Settings, transport: UpstreamTransport
) -> httpx.AsyncClient:
    client = httpx.AsyncClient(
        base_url=base_url,
        timeout=_timeout(settings),
        transport=transport,
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


def parsed_url(base: httpx.URL, raw_path: bytes, query: bytes) -> str:
    """The URL httpx makes of a path and query under `base` (quoting them, dropping dot
    segments)."""
    target = base.raw_path.rstrip(b"/") + raw_path + (b"?" + query if query else b"")
    return str(base.copy_with(raw_path=target))


async def _request_body(request: Request, limit: int) -> Body:
    length = request.headers.get("content-length")
    chunked = "transfer-encoding" in request.headers
    if length is not None:
        if not length.isdigit():
            raise Problem("Content-Length is not a number.", slug="bad-content-length")
        if int(length) > limit:
            raise BodyTooLarge(f"The request body exceeds {limit} bytes.", limit=limit)
        if not chunked and int(length) <= WHOLE_BODY_MAX_BYTES:
            return await request.body()
    elif not chunked:
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


def _answered_whole(method: str, upstream: aiohttp.ClientResponse) -> bool:
    # A declared small body, or none at all; chunked answers have no Content-Length.
    if method == "HEAD" or upstream.status in NO_BODY_STATUSES:
        return True
    length = upstream.headers.get("Content-Length", "")
    return length.isdigit() and int(length) <= WHOLE_BODY_MAX_BYTES


async def _relay(upstream: aiohttp.ClientResponse, service: str) -> AsyncIterator[bytes]:
    try:
        async for chunk in iter_raw(upstream):
            yield chunk
    except httpx.HTTPError as exc:
        log.warning("the %s service broke off its response (%s)", service, exc)
        raise
    finally:
        await release(upstream)


def client_view(request: Request) -> ClientView:
    """The connection a request came in on, and its request id."""
    return ClientView(
        peer=request.client.host if request.client else "unknown",
        scheme=request.scope.get("scheme", "http"),
        host=request.headers.get("host", ""),
        request_id=correlation_id.get(),
    )


async def forward(
    request: Request, service: str, upstreams: Upstreams, settings: Settings
) -> Response:
    """Send the request to the service and return its answer: whole when it is small (a
    failure while reading it is then a problem too), else streamed."""
    headers = upstream_request_headers(
        list(request.scope["headers"]),
        client_view(request),
        trust_forwarded_for=settings.trust_forwarded_for,
    )
    body = await _request_body(request, settings.max_body_bytes)
    url = upstreams.url(service, request.scope)
    started = time.perf_counter()
    try:
        upstream = await upstreams.send(service, request.method, url, headers, body)
    except httpx.HTTPError as exc:
        raise _upstream_problem(service, exc) from exc
    UPSTREAM_SECONDS.labels(service).observe(time.perf_counter() - started)
    response: Response
    if _answered_whole(request.method, upstream):
        try:
            response = Response(await read_whole(upstream), status_code=upstream.status)
        except httpx.HTTPError as exc:
            raise _upstream_problem(service, exc) from exc
    else:
        response = StreamingResponse(
            _relay(upstream, service),
            status_code=upstream.status,
            background=BackgroundTask(release, upstream),
        )
    UPSTREAM_RESPONSES.labels(service, str(upstream.status)).inc()
    response.raw_headers = client_response_headers(upstream.raw_headers)
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
