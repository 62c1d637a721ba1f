"""How the gateway talks to a service: what it sends as is, what it keeps, how failures map."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import GatewayFactory, TokenFactory, Upstream
from .raw_service import RawService

PROBLEM_JSON = "application/problem+json"
# More than the loopback socket buffers hold, so an upload to a service that never reads stalls.
BIG_BODY_BYTES = 32 * 1024 * 1024


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:clinic:problem:{slug}"
    return body


def echoed(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class HangingUp(RawService):
    """A 'service' that reads each request head, then closes the connection without answering."""

    def __init__(self) -> None:
        self.requests = 0
        self._counting = threading.Lock()
        super().__init__()

    def answer(self, connection: socket.socket, head: bytes) -> None:
        with self._counting:
            self.requests += 1


class NeverReading(RawService):
    """A 'service' that accepts connections and never reads from them."""

    def __init__(self) -> None:
        self._held: list[socket.socket] = []
        super().__init__()

    def accepted(self, connection: socket.socket) -> None:
        self._held.append(connection)

    def close(self) -> None:
        super().close()
        for connection in self._held:
            connection.close()


class FullBacklog:
    """A port whose accept queue is full: the kernel drops new SYNs, so connecting hangs."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._fillers = []
        for _ in range(4):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            filler.connect_ex(self._listener.getsockname())
            self._fillers.append(filler)

    def close(self) -> None:
        for filler in self._fillers:
            filler.close()
        self._listener.close()


@pytest.fixture(scope="module")
def hanging_up() -> Iterator[HangingUp]:
    server = HangingUp()
    yield server
    server.close()


@pytest.fixture(scope="module")
def never_reading() -> Iterator[NeverReading]:
    server = NeverReading()
    yield server
    server.close()


@pytest.fixture(scope="module")
def full_backlog() -> Iterator[FullBacklog]:
    server = FullBacklog()
    yield server
    server.close()


@pytest.fixture(scope="module")
def failing_gateway(
    start_gateway: GatewayFactory,
    hanging_up: HangingUp,
    full_backlog: FullBacklog,
    never_reading: NeverReading,
) -> str:
    """booking hangs up on every request; reporting cannot be connected to; shifts never reads."""
    return start_gateway(
        booking_url=hanging_up.url,
        reporting_url=full_backlog.url,
        shifts_url=never_reading.url,
        upstream_connect_timeout_seconds=0.5,
        upstream_timeout_seconds=1,
        max_body_bytes=BIG_BODY_BYTES,
    )


@pytest.fixture
def failing_client(failing_gateway: str, mint_token: TokenFactory) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {mint_token()}"}
    with httpx.Client(
        base_url=failing_gateway, trust_env=False, timeout=20, headers=headers
    ) as http:
        yield http


@pytest.mark.parametrize("method", ["GET", "PUT", "POST"])
def test_a_service_that_hangs_up_is_a_502_and_the_request_is_sent_once(
    failing_client: httpx.Client, hanging_up: HangingUp, method: str
) -> None:
    before = hanging_up.requests
    response = failing_client.request(method, "/v1/appointments/1", content=b"{}")
    body = assert_problem(response, 502, "bad-upstream-response")
    assert body["service"] == "booking"
    assert "retry-after" not in response.headers
    assert hanging_up.requests - before == 1  # never retried: the service may have acted on it


def test_a_service_that_cannot_be_connected_to_in_time_is_a_503(
    failing_client: httpx.Client,
) -> None:
    started = time.monotonic()
    response = failing_client.get("/v1/reports/daily")
    body = assert_problem(response, 503, "upstream-unavailable")
    assert response.headers["retry-after"] == "5"
    assert body["service"] == "reporting"
    assert time.monotonic() - started < 5


def test_a_service_that_stops_reading_the_body_is_a_504(failing_client: httpx.Client) -> None:
    started = time.monotonic()
    response = failing_client.post("/v1/shifts", content=b"x" * BIG_BODY_BYTES)
    body = assert_problem(response, 504, "upstream-timeout")
    assert body["service"] == "shifts"
    assert time.monotonic() - started < 10


def test_connections_to_a_service_are_kept_alive(user_client: httpx.Client) -> None:
    peers = {echoed(user_client.get("/v1/rooms"))["peer"] for _ in range(5)}
    assert len(peers) == 1


def test_a_compressed_body_comes_back_as_the_service_sent_it(user_client: httpx.Client) -> None:
    with user_client.stream(
        "GET", "/v1/slots/gzip", headers={"Accept-Encoding": "gzip"}
    ) as response:
        raw = b"".join(response.iter_raw())
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["x-seen-accept-encoding"] == "gzip"
    assert gzip.decompress(raw) == b"compress me " * 100


def test_no_accept_encoding_means_an_uncompressed_body(user_client: httpx.Client) -> None:
    del user_client.headers["accept-encoding"]
    response = user_client.get("/v1/slots/gzip")
    assert response.status_code == 200
    assert response.headers["x-seen-accept-encoding"] == ""
    assert "content-encoding" not in response.headers
    assert response.content == b"compress me " * 100


def test_the_gateway_adds_no_headers_of_its_own_choosing(user_client: httpx.Client) -> None:
    for name in ("accept", "accept-encoding", "user-agent"):
        del user_client.headers[name]
    for method in ("GET", "POST", "PUT"):
        content = b"raw" if method != "GET" else None
        received = echoed(user_client.request(method, "/v1/slots", content=content))["headers"]
        for name in ("accept", "accept-encoding", "user-agent", "content-type", "cookie"):
            assert name not in received, (method, name)


def test_the_callers_headers_arrive_as_sent(user_client: httpx.Client) -> None:
    headers = [
        (b"X-Repeated", b"one"),
        (b"X-Repeated", b"two"),
        (b"User-Agent", b"clinic-app/1.0"),
        (b"X-Name", "Zoë Ångström".encode()),
    ]
    received = echoed(user_client.get("/v1/slots", headers=headers))["headers"]
    assert received["x-repeated"] == "one, two"
    assert received["user-agent"] == "clinic-app/1.0"
    assert received["x-name"].encode("latin-1") == "Zoë Ångström".encode()  # byte for byte


def test_path_and_query_keep_the_callers_encoding(user_client: httpx.Client) -> None:
    received = echoed(user_client.get("/v1/appointments/%7Eann%20b%2Fc?a=%7E&b=c+d&e=%2F&f"))
    assert received["raw_path"] == "/v1/appointments/%7Eann%20b%2Fc"
    assert received["query"] == "a=%7E&b=c+d&e=%2F&f"


def test_cookies_a_service_sets_are_not_replayed_to_other_callers(
    user_client: httpx.Client, upstreams: dict[str, Upstream]
) -> None:
    assert user_client.get("/v1/slots/hop-by-hop").headers.get_list("set-cookie")
    user_client.cookies.clear()
    received = echoed(user_client.get("/v1/slots/after-the-cookies"))["headers"]
    assert "cookie" not in received
