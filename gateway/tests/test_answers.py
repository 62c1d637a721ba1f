"""How answers cross the gateway: small ones whole, large or chunked ones streamed as they come;
and the request target passed on as httpx would have written it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from gateway.app import create_app
from gateway.proxy import WHOLE_BODY_MAX_BYTES, Upstreams, parsed_url
from gateway.settings import Settings
from prometheus_fastapi_instrumentator.routing import get_route_name
from starlette.requests import Request

from .conftest import GatewayFactory, TokenFactory, Upstream
from .raw_service import RawService

PROBLEM_JSON = "application/problem+json"
LARGE = WHOLE_BODY_MAX_BYTES + 1
FIRST_PART = b"first part;"


class ScriptedService(RawService):
    """A 'service' answering by path, on raw sockets, so an answer can stop half way (each on
    a connection of its own, which it says it closes: a pooled one reused would race the close):

    - `.../created`: 201 with a Location, an ETag and a small body; `.../gone`: 204;
    - `.../short`: declares 100 bytes, sends 10, hangs up;
    - `.../stalled`: declares 100 bytes, sends 10, then nothing until the gateway gives up;
    - `.../large-held` and `.../chunked-held`: a large declared body, or a chunked one, whose
      first part comes at once and the rest only once `release` is set.
    """

    def __init__(self) -> None:
        self.release = threading.Event()
        super().__init__()

    def answer(self, connection: socket.socket, head: bytes) -> None:
        path = head.split(b" ", 2)[1]
        if path.endswith(b"/created"):
            connection.sendall(
                b"HTTP/1.1 201 Created\r\nConnection: close\r\n"
                b'Location: /v1/reports/9\r\nETag: "v1"\r\n'
                b'Content-Type: application/json\r\nContent-Length: 9\r\n\r\n{"id": 9}'
            )
        elif path.endswith(b"/gone"):
            connection.sendall(
                b"HTTP/1.1 204 No Content\r\nConnection: close\r\nX-Upstream: kept\r\n\r\n"
            )
        elif path.endswith(b"/short"):
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 100\r\n\r\n" + b"x" * 10
            )
        elif path.endswith(b"/stalled"):
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 100\r\n\r\n" + b"x" * 10
            )
            self._stop.wait(10)
        elif path.endswith(b"/large-held"):
            rest = b"y" * (LARGE - len(FIRST_PART))
            connection.sendall(
                f"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {LARGE}\r\n\r\n".encode()
                + FIRST_PART
            )
            self.release.wait(10)
            connection.sendall(rest)
        elif path.endswith(b"/chunked-held"):
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                + _chunk(FIRST_PART)
            )
            self.release.wait(10)
            connection.sendall(_chunk(b"the rest") + b"0\r\n\r\n")


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedService]:
    service = ScriptedService()
    yield service
    service.close()


@pytest.fixture(scope="module")
def scripted_gateway(start_gateway: GatewayFactory, scripted: ScriptedService) -> str:
    """reporting is the scripted service; bodies up to 1 MiB are accepted."""
    return start_gateway(
        reporting_url=scripted.url, upstream_timeout_seconds=1, max_body_bytes=1024 * 1024
    )


@pytest.fixture
def scripted_client(scripted_gateway: str, mint_token: TokenFactory) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {mint_token()}"}
    with httpx.Client(
        base_url=scripted_gateway, trust_env=False, timeout=20, headers=headers
    ) as http:
        yield http


def test_a_small_answer_keeps_its_status_headers_and_body(user_client: httpx.Client) -> None:
    response = user_client.get("/v1/slots/cacheable")
    assert response.status_code == 200
    assert response.headers["content-length"] == "2"
    assert response.headers["cache-control"] == "max-age=60"  # the service's, not no-store
    assert response.headers["content-type"] == "application/json"
    assert "transfer-encoding" not in response.headers
    assert response.content == b"[]"


def test_answers_keep_the_services_status_and_headers(scripted_client: httpx.Client) -> None:
    created = scripted_client.post("/v1/reports/created", content=b"{}")
    assert created.status_code == 201
    assert created.headers["location"] == "/v1/reports/9"
    assert created.headers["etag"] == '"v1"'
    assert created.headers["content-length"] == "9"
    assert created.json() == {"id": 9}
    gone = scripted_client.delete("/v1/reports/gone")
    assert gone.status_code == 204
    assert gone.headers["x-upstream"] == "kept"
    assert gone.content == b""


def test_a_small_answer_cut_short_is_a_502(scripted_client: httpx.Client) -> None:
    response = scripted_client.get("/v1/reports/short")
    assert response.status_code == 502, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "urn:clinic:problem:bad-upstream-response"


def test_a_small_answer_that_stops_coming_is_a_504(scripted_client: httpx.Client) -> None:
    response = scripted_client.get("/v1/reports/stalled")
    assert response.status_code == 504, response.text
    assert response.json()["type"] == "urn:clinic:problem:upstream-timeout"


@pytest.mark.parametrize("path", ["/v1/reports/large-held", "/v1/reports/chunked-held"])
def test_large_and_chunked_answers_stream_as_they_come(
    scripted_client: httpx.Client, scripted: ScriptedService, path: str
) -> None:
    scripted.release.clear()
    with scripted_client.stream("GET", path) as response:
        assert response.status_code == 200
        received = b""
        chunks = response.iter_raw()
        while len(received) < len(FIRST_PART):
            received += next(chunks)  # arrives while the service still holds the rest
        assert received == FIRST_PART
        scripted.release.set()
        received += b"".join(chunks)
    if path.endswith("large-held"):
        assert response.headers["content-length"] == str(LARGE)
        assert len(received) == LARGE
    else:
        assert received == FIRST_PART + b"the rest"


def test_a_large_request_body_arrives_whole(
    scripted_gateway: str, mint_token: TokenFactory, upstreams: dict[str, Upstream]
) -> None:
    body = bytes(range(256)) * (LARGE // 256 + 1)
    auth = {"Authorization": f"Bearer {mint_token()}"}
    with httpx.Client(base_url=scripted_gateway, trust_env=False, headers=auth) as http:
        received = http.put("/v1/slots/large", content=body).json()
    assert received["body"].encode("latin-1") == body
    assert received["headers"]["content-length"] == str(len(body))


def test_the_catch_all_keeps_its_handler_name_in_the_metrics() -> None:
    # Asked of the instrumentator's own route lookup, not of a scrape: in a test process the
    # first app instrumented owns the metrics, and another test's app may come first.
    app = create_app(Settings(booking_url="http://127.0.0.1:9"))
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": "/v1/slots",
        "root_path": "",
        "headers": [],
        "app": app,
    }
    assert get_route_name(Request(scope), should_include_root_path=False) == "/{path:path}"


def test_spans_exported_or_not_the_callers_trace_goes_on(
    start_gateway: GatewayFactory, mint_token: TokenFactory
) -> None:
    # With an exporter the request goes through the instrumented httpx client instead; nothing
    # listens at the endpoint, which only costs the exporter a warning.
    url = start_gateway(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9")
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    headers = {
        "Authorization": f"Bearer {mint_token()}",
        "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01",
    }
    with httpx.Client(base_url=url, trust_env=False, timeout=20, headers=headers) as http:
        small = http.post("/v1/slots/1", content=b"x" * 10)
        streamed = http.get("/v1/reports/export/stream")
    assert small.status_code == 200, small.text
    assert small.json()["body"] == "x" * 10
    assert small.json()["headers"]["traceparent"].split("-")[1] == trace_id
    assert len(streamed.text.splitlines()) == 1000


TARGETS = [
    (b"/v1/appointments", b""),
    (b"/v1/appointments/a%2Fb", b"q=two+words&n=1"),
    (b"/v1/appointments/%7Eann%20b%2Fc", b"a=%7E&b=c+d&e=%2F&f"),
    (b"/v1/slots/x!$&'()*+,;=:@-._~", b"a=!$&'()*+,;=:@/?-._~|`{}^[]\\"),
    (b"/v1/slots/%zz%4", b"x=%zz&y=%"),
    (b'/v1/slots/x"<>`{}', b'a="<>'),  # httpx quotes these
    (b"/v1/slots/a/./b/../c", b""),  # and drops dot segments
    (b"/v1/slots//double", b"a=1&&b="),
    (b"/v1/slots/x[y]|z^", b""),
]


@pytest.mark.parametrize(("raw_path", "query"), TARGETS)
@pytest.mark.parametrize("base", ["http://127.0.0.1:8002", "http://Booking:80/api/"])
def test_the_request_target_is_what_httpx_would_send(
    raw_path: bytes, query: bytes, base: str
) -> None:
    upstreams = Upstreams(Settings(booking_url=base))
    scope: dict[str, Any] = {"path": "", "raw_path": raw_path, "query_string": query}
    expected = parsed_url(upstreams.client("booking").base_url, raw_path, query)
    assert upstreams.url("booking", scope) == expected
