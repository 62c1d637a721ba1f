"""Real HTTP for the gateway tests: echoing upstream services, a JWKS, gateways on free ports."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
import uvicorn
from clinic_contracts.identity import IDENTITY_TOPIC
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from jwt.algorithms import OKPAlgorithm
from pydantic import BaseModel, create_model
from servicekit.auth import bearer_scheme
from servicekit.kafka_admin import ensure_topics
from servicekit.security_headers import SecurityHeadersMiddleware
from servicekit.testing.tokens import access_claims


def _unshadow_gateway_package() -> None:
    # pytest's importlib mode imports this file as "gateway.tests.conftest" and registers the
    # repository folder gateway/ as a namespace package named "gateway", which hides the
    # installed package; dropping that placeholder lets `import gateway.app` find the real one.
    placeholder = sys.modules.get("gateway")
    if placeholder is not None and getattr(placeholder, "__file__", None) is None:
        del sys.modules["gateway"]


_unshadow_gateway_package()

ISSUER, AUDIENCE = "test-identity", "test-api"
ROTATED_SESSION_COOKIE = (
    "clinic_refresh=rt_next; HttpOnly; Max-Age=2592000; Path=/v1/auth/session; SameSite=strict;"
    " Secure"
)
STARTUP_DEADLINE_SECONDS = 15.0
ECHO_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class ThreadedServer:
    """A uvicorn server on a free loopback port, in a background thread."""

    def __init__(self, app: FastAPI) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_config=None,
            access_log=False,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ThreadedServer:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"server on port {self.port} did not start")
            time.sleep(0.01)  # polling, bounded by the deadline
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


def free_port_with_nothing_listening() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class Upstream:
    """An echoing service: what it received, and where it listens."""

    name: str
    received: list[dict[str, Any]] = field(default_factory=list)
    jwks_fetches: int = 0
    url: str = ""

    def requests_marked(self, marker: str) -> list[dict[str, Any]]:
        return [r for r in self.received if r["headers"].get("x-test-marker") == marker]


def _record(upstream: Upstream, request: Request, body: bytes) -> dict[str, Any]:
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    record = {
        "service": upstream.name,
        "method": request.method,
        "path": request.url.path,
        "raw_path": request.scope["raw_path"].decode("latin-1"),
        "query": request.scope["query_string"].decode("latin-1"),
        "headers": headers,
        "body": body.decode("latin-1"),
        "peer": f"{request.client.host}:{request.client.port}" if request.client else "",
    }
    upstream.received.append(record)
    return record


def echo_app(upstream: Upstream, extra: APIRouter | None = None) -> FastAPI:
    """A service that answers every request with what it received."""
    app = FastAPI(title=upstream.name)
    if extra is not None:
        app.include_router(extra)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/{path:path}/slow", include_in_schema=False)
    async def slow(request: Request) -> Response:
        # Answers only once the caller has given up, so a gateway timeout is certain.
        deadline = time.monotonic() + 30
        while not await request.is_disconnected() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return Response(status_code=204)

    @app.get("/{path:path}/stream", include_in_schema=False)
    async def stream() -> StreamingResponse:
        chunks = (f"line {i}\n".encode() for i in range(1000))
        return StreamingResponse(chunks, media_type="text/plain")

    @app.get("/{path:path}/gzip", include_in_schema=False)
    async def gzipped(request: Request) -> Response:
        # Compressed only when the caller asked for it, as a real service would.
        text = b"compress me " * 100
        seen = {"X-Seen-Accept-Encoding": request.headers.get("accept-encoding", "")}
        if "gzip" not in request.headers.get("accept-encoding", ""):
            return Response(text, media_type="text/plain", headers=seen)
        headers = {**seen, "Content-Encoding": "gzip"}
        return Response(gzip.compress(text), media_type="text/plain", headers=headers)

    @app.get("/{path:path}/cacheable", include_in_schema=False)
    async def cacheable() -> Response:
        return Response(
            b"[]", media_type="application/json", headers={"Cache-Control": "max-age=60"}
        )

    @app.get("/{path:path}/hop-by-hop", include_in_schema=False)
    async def hop_by_hop() -> Response:
        response = Response(b"ok", media_type="text/plain")
        response.headers["Connection"] = "X-Upstream-Hop"
        response.headers["X-Upstream-Hop"] = "internal"
        response.headers["Keep-Alive"] = "timeout=5"
        response.headers["Proxy-Authenticate"] = "Basic"
        response.headers["X-Request-ID"] = "set-by-the-upstream"
        response.headers.append("Set-Cookie", "a=1")
        response.headers.append("Set-Cookie", "b=2")
        return response

    @app.api_route("/{path:path}", methods=ECHO_METHODS, include_in_schema=False)
    async def echo(request: Request) -> JSONResponse:
        return JSONResponse(_record(upstream, request, await request.body()))

    app.add_middleware(SecurityHeadersMiddleware)  # as on every real service
    return app


# Two services answering with a schema of the same name but another shape: a clash to resolve.
IdentityThing = create_model("Thing", user_id=(str, ...))
BookingThing = create_model("Thing", appointment_id=(str, ...), starts_at=(str, ...))


class Coverage(BaseModel):
    shifts: int


def identity_routes(upstream: Upstream, jwks: dict[str, Any]) -> APIRouter:
    router = APIRouter()

    @router.get("/.well-known/jwks.json")
    async def published_keys() -> dict[str, Any]:
        upstream.jwks_fetches += 1
        return jwks

    # The services' real bearer scheme, so the merged document has something to authorize with.
    @router.get(
        "/v1/users/{user_id}", response_model=IdentityThing, dependencies=[Depends(bearer_scheme)]
    )
    async def read_user(user_id: str) -> Any:
        return {"user_id": user_id}

    @router.post("/v1/auth/session/refresh")
    async def rotate_session_cookie(request: Request) -> JSONResponse:
        # As identity does: reads the session cookie, answers with the next one.
        response = JSONResponse({"cookie": request.headers.get("cookie")})
        response.headers.append("Set-Cookie", ROTATED_SESSION_COOKIE)
        return response

    @router.get("/v1/clinics/{clinic_id}/coverage")
    async def not_identitys(clinic_id: str) -> dict[str, str]:
        return {}  # shifts owns this path: the merged document must not take it from here

    return router


def booking_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/v1/appointments/{appointment_id}/detail", response_model=BookingThing)
    async def read_appointment(appointment_id: str) -> Any:
        return {"appointment_id": appointment_id, "starts_at": ""}

    @router.get("/v1/users/shadow")
    async def not_bookings() -> dict[str, str]:
        return {}

    return router


def shifts_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/v1/clinics/{clinic_id}/coverage/summary", response_model=Coverage)
    async def coverage(clinic_id: str) -> Coverage:
        return Coverage(shifts=0)

    return router


@dataclass
class SigningKey:
    private_key: Ed25519PrivateKey
    kid: str

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(OKPAlgorithm.to_jwk(self.private_key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}


TokenFactory = Callable[..., str]


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey(Ed25519PrivateKey.generate(), kid="test-key-1")


@pytest.fixture(scope="session")
def mint_token(signing_key: SigningKey) -> TokenFactory:
    """Sign an access token as identity would; keyword arguments override claims."""

    def mint(key: SigningKey | None = None, **overrides: Any) -> str:
        claims = access_claims(**{"iss": ISSUER, "aud": AUDIENCE, **overrides})
        signer = key or signing_key
        return jwt.encode(
            claims, signer.private_key, algorithm="EdDSA", headers={"kid": signer.kid}
        )

    return mint


@pytest.fixture(scope="session")
def upstreams(signing_key: SigningKey) -> Iterator[dict[str, Upstream]]:
    """identity, booking, shifts and reporting running; notify down (nothing listening)."""
    services = {name: Upstream(name) for name in ("identity", "booking", "shifts", "reporting")}
    extras = {
        "identity": identity_routes(services["identity"], signing_key.jwks()),
        "booking": booking_routes(),
        "shifts": shifts_routes(),
    }
    servers = []
    try:
        for name, upstream in services.items():
            server = ThreadedServer(echo_app(upstream, extras.get(name))).start()
            servers.append(server)
            upstream.url = server.url
        notify = Upstream("notify", url=f"http://127.0.0.1:{free_port_with_nothing_listening()}")
        yield {**services, "notify": notify}
    finally:
        for server in servers:
            server.stop()


GatewayFactory = Callable[..., str]
# The metrics URL of each gateway started by `start_gateway`, by the gateway's own URL.
METRICS_URLS: dict[str, str] = {}


def scrape(gateway_url: str) -> str:
    """What Prometheus would get from that gateway's metrics port."""
    response = httpx.get(METRICS_URLS[gateway_url], trust_env=False, timeout=20)
    assert response.status_code == 200, response.text
    return response.text


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def revocations_topic_prefix(kafka_bootstrap_servers: str) -> str:
    """The topic prefix of the session's gateways: they follow its identity topic, which
    identity would have created."""
    prefix = f"gw{uuid.uuid4().hex[:8]}."
    await ensure_topics(kafka_bootstrap_servers, [(f"{prefix}{IDENTITY_TOPIC}", 6)])
    return prefix


@pytest.fixture(scope="session")
def start_gateway(
    upstreams: dict[str, Upstream], kafka_bootstrap_servers: str, revocations_topic_prefix: str
) -> Iterator[GatewayFactory]:
    """Start a gateway in front of the test upstreams; keyword arguments override settings.

    Returns once the gateway has loaded the revocations in force (it follows the session's
    broker), as a deployment waits for /readyz.
    """
    servers: list[ThreadedServer] = []

    def start(*, wait_for_revocations: bool = True, **overrides: Any) -> str:
        values: dict[str, Any] = {
            f"{name}_url": upstream.url for name, upstream in upstreams.items()
        }
        values |= {
            "JWKS_URL": f"{upstreams['identity'].url}/.well-known/jwks.json",
            "JWT_ISSUER": ISSUER,
            "JWT_AUDIENCE": AUDIENCE,
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
            "KAFKA_TOPIC_PREFIX": revocations_topic_prefix,
            "ENVIRONMENT": "test",
            "OTEL_EXPORTER_OTLP_ENDPOINT": None,
            "rate_limit_burst": 10_000,
            "rate_limit_user_burst": 10_000,
            "max_body_bytes": 1024,
            "metrics_port": 0,  # any free port: several gateways run at once
            **overrides,
        }
        from gateway.app import create_app  # after the placeholder package is gone
        from gateway.settings import Settings

        app = create_app(Settings(**values))
        server = ThreadedServer(app).start()
        servers.append(server)
        METRICS_URLS[server.url] = f"http://127.0.0.1:{app.state.metrics_port}/metrics"
        if wait_for_revocations:
            _wait_for_revocations(server.url)
        return server.url

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


def _wait_for_revocations(url: str) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS * 4
    with httpx.Client(base_url=url, trust_env=False, timeout=10) as http:
        while http.get("/readyz").json()["checks"]["revocations"] != "ok":
            if time.monotonic() > deadline:
                raise RuntimeError(f"the gateway at {url} did not load the revocations")
            time.sleep(0.1)  # polling, bounded by the deadline


@pytest.fixture(scope="session")
def gateway_url(start_gateway: GatewayFactory) -> str:
    """The gateway most tests use: generous rate limits, 1 KiB body limit, CORS off."""
    return start_gateway()


@pytest.fixture
def client(gateway_url: str) -> Iterator[httpx.Client]:
    """A caller without a token: only public paths get through."""
    with httpx.Client(base_url=gateway_url, trust_env=False, timeout=20) as http:
        yield http


@pytest.fixture
def user_client(gateway_url: str, mint_token: TokenFactory) -> Iterator[httpx.Client]:
    """A caller signed in as a fresh user; a per-request Authorization header overrides it."""
    headers = {"Authorization": f"Bearer {mint_token()}"}
    with httpx.Client(base_url=gateway_url, trust_env=False, timeout=20, headers=headers) as http:
        yield http


@pytest.fixture
def marker() -> str:
    """A value to find this test's requests among everything an upstream received."""
    return uuid.uuid4().hex
