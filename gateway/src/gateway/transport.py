"""The HTTP transport of the gateway's upstream clients: httpx-aiohttp, made a transparent hop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping

import aiohttp
import httpx
import yarl
from httpx_aiohttp import AiohttpTransport

# Below uvicorn's 5 s keep-alive, so the gateway drops idle connections before the service does.
KEEPALIVE_EXPIRY_SECONDS = 4.0
# aiohttp would add these when the caller did not send them; the caller's headers go as they are.
NO_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
# httpcore accepted a 100 KiB header block; aiohttp's default is 8 KiB per line. (aiohttp also
# refuses more than 128 header fields, which httpcore did not count.)
MAX_HEADER_LINE_BYTES = 100 * 1024
# Where an httpx response made here keeps the aiohttp response it stands for.
AIOHTTP_RESPONSE = "aiohttp_response"

Body = bytes | AsyncIterable[bytes] | None
Timeouts = Mapping[str, float | None]  # httpx's: connect, read, write, pool


class UpstreamTransport(AiohttpTransport):
    """httpx-aiohttp's transport, made a transparent hop towards one service.

    aiohttp's pool hands out idle connections without polling every socket on each request,
    which is most of what httpcore's pool cost the gateway. On top of the package's transport:
    the caller's path, query and headers go exactly as they are (no requoting, no headers added,
    repeated ones kept), bodies are neither compressed nor decompressed, no cookies are kept,
    nothing is retried, and aiohttp's errors become the httpx ones `_upstream_problem` expects.
    The proxy calls `send` itself, skipping httpx's client and models; other calls (health,
    OpenAPI documents, sync pushes, traced proxying) come through httpx and share the pool.
    """

    def __init__(self, max_connections: int) -> None:
        limits = httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=KEEPALIVE_EXPIRY_SECONDS,
        )
        # The session needs a running loop: it is made on the first request.
        super().__init__(trust_env=False, limits=limits, client=self._new_session)

    def _new_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0,
            keepalive_timeout=self.limits.keepalive_expiry,
            ssl=self.ssl_context,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=NO_AUTO_HEADERS,
            auto_decompress=False,
            trust_env=False,
            max_line_size=MAX_HEADER_LINE_BYTES,
            max_field_size=MAX_HEADER_LINE_BYTES,
        )
        # aiohttp resends an idempotent request once when the connection breaks; a proxy must
        # not (the service may have acted on it): one attempt, as httpcore made. aiohttp's own
        # test client turns it off the same way.
        session._retry_connection = False
        return session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = request.headers.multi_items()
        body: Body
        try:
            body = request.content
        except httpx.RequestNotRead:
            if not isinstance(request.stream, httpx.AsyncByteStream):
                raise TypeError("an async transport needs an async request body") from None
            body = request.stream
            # aiohttp frames the body itself: chunked, or by the caller's Content-Length.
            headers = [(k, v) for k, v in headers if k != "transfer-encoding"]
        url = yarl.URL(str(request.url), encoded=True)  # as the caller encoded it
        timeout = request.extensions.get("timeout", {})
        response = await self.send(request.method, url, headers, body, timeout)
        version = response.version
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_ResponseStream(response),
            request=request,
            extensions={
                "http_version": f"HTTP/{version.major}.{version.minor}".encode()
                if version
                else b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode("latin-1"),
                AIOHTTP_RESPONSE: response,
            },
        )

    async def send(
        self,
        method: str,
        url: yarl.URL,
        headers: Iterable[tuple[str, str]],
        body: Body,
        timeout: Timeouts,
    ) -> aiohttp.ClientResponse:
        """Send one request as it is; the response once its head is in (read it with
        `iter_raw` or `read_whole`, then `release` it). Failures are httpx's errors."""
        if body is None or isinstance(body, bytes):
            with _as_httpx_errors():
                return await self._request(method, url, headers, body or None, timeout)
        return await self._send_streamed(method, url, headers, body, timeout)

    async def _send_streamed(
        self,
        method: str,
        url: yarl.URL,
        headers: Iterable[tuple[str, str]],
        stream: AsyncIterable[bytes],
        timeout: Timeouts,
    ) -> aiohttp.ClientResponse:
        body = _BodySource(stream, timeout.get("write"))
        try:
            # aiohttp has no write timeout: the body keeps one, as httpcore had (504 beyond).
            async with asyncio.timeout(None) as deadline:
                body.deadline = deadline
                try:
                    with _as_httpx_errors():
                        return await self._request(method, url, headers, body, timeout)
                finally:
                    body.deadline = None
        except TimeoutError:
            raise httpx.WriteTimeout("the service stopped reading the request body") from None
        except httpx.TransportError:
            if body.failure is not None:
                raise body.failure from None  # the caller's body failed (too large): as is
            raise

    async def _request(
        self,
        method: str,
        url: yarl.URL,
        headers: Iterable[tuple[str, str]],
        data: bytes | _BodySource | None,
        timeout: Timeouts,
    ) -> aiohttp.ClientResponse:
        if not isinstance(self.client, aiohttp.ClientSession):
            self.client = self.get_client()
        return await self.client.request(
            method,
            url,
            headers=headers,
            data=data,
            allow_redirects=False,
            compress=None,
            timeout=aiohttp.ClientTimeout(
                total=None,  # a long streamed response is fine while data flows
                connect=timeout.get("pool"),  # waiting for a pooled connection, and connecting
                sock_connect=timeout.get("connect"),
                sock_read=timeout.get("read"),
            ),
        )


def text_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    """Raw headers as aiohttp takes them, decoded as httpx decodes them: all as UTF-8 (ASCII
    included) when they all are, else all as ISO-8859-1 (aiohttp sends them as UTF-8)."""
    headers = list(headers)
    try:
        return [(name.decode(), value.decode()) for name, value in headers]
    except UnicodeDecodeError:
        return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]


def aiohttp_response(response: httpx.Response) -> aiohttp.ClientResponse:
    """The aiohttp response behind an httpx response of this transport."""
    upstream = response.extensions[AIOHTTP_RESPONSE]
    if not isinstance(upstream, aiohttp.ClientResponse):
        raise TypeError("not a response of the upstream transport")
    return upstream


async def iter_raw(response: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    """A response body as it arrives, still encoded."""
    with _as_httpx_errors():
        async for chunk in response.content.iter_any():
            yield chunk


async def read_whole(response: aiohttp.ClientResponse) -> bytes:
    """A whole response body, still encoded; the connection goes back to the pool."""
    with _as_httpx_errors():
        return await response.read()  # closes the response when the read fails


async def release(response: aiohttp.ClientResponse) -> None:
    """Back to the pool when read to the end; closed otherwise."""
    response.release()
    with _as_httpx_errors():
        await response.wait_for_close()


class _BodySource:
    """A streamed request body for aiohttp.

    It keeps the error it raised (aiohttp wraps it), and while aiohttp holds a chunk it has not
    written yet, `deadline` is set `write_timeout` ahead.
    """

    def __init__(self, stream: AsyncIterable[bytes], write_timeout: float | None) -> None:
        self._stream = stream
        self._write_timeout = write_timeout
        self.deadline: asyncio.Timeout | None = None
        self.failure: Exception | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        try:
            async for chunk in self._stream:
                self._watch(loop.time() + self._write_timeout if self._write_timeout else None)
                yield chunk  # back here once aiohttp has written it
                self._watch(None)
        except Exception as exc:
            self.failure = exc
            raise

    def _watch(self, when: float | None) -> None:
        # Only while the request is being sent: once the response has begun (or the deadline
        # has passed) the timeout is done with.
        if self.deadline is not None and not self.deadline.expired():
            self.deadline.reschedule(when)


class _ResponseStream(httpx.AsyncByteStream):
    """An aiohttp response body as it arrives, still encoded; closing frees the connection."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in iter_raw(self._response):
            yield chunk

    async def aclose(self) -> None:
        await release(self._response)


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise _httpx_error(exc) from exc


def _httpx_error(exc: aiohttp.ClientError | TimeoutError) -> httpx.TransportError:
    # The httpx types `_upstream_problem` maps: no connection (503), no answer in time (504),
    # anything else broken (502). Order matters: aiohttp's timeouts are connection errors too.
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):  # connect, or waiting for the pool
        return httpx.ConnectTimeout(message)
    if isinstance(exc, aiohttp.ClientConnectorError):  # refused, unresolvable, TLS
        return httpx.ConnectError(message)
    if isinstance(exc, TimeoutError):  # sock_read (aiohttp's ServerTimeoutError is one)
        return httpx.ReadTimeout(message)
    if isinstance(exc, aiohttp.ClientOSError | aiohttp.ClientPayloadError):
        return httpx.ReadError(message)
    return httpx.RemoteProtocolError(message)  # disconnected, malformed response, ...
