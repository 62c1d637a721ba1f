"""The base of the providers' fakes: a Starlette app on a free loopback port, with faults.

Each fake runs uvicorn in a thread of its own: it keeps answering while a test blocks, and its
delays never stall the caller's event loop. Use one as a context manager, sync or async:

    with TwilioFake() as fake:
        settings = Settings(twilio_base_url=fake.url, twilio_account_sid=fake.account_sid, ...)
        fake.fail_next(1, status=500)
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import deque
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from servicekit.threaded_server import ThreadedServer
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

STARTUP_DEADLINE_SECONDS = 15.0
PAUSE_SLICE_SECONDS = 0.02  # how soon a delayed answer notices that the server stops


@dataclass(frozen=True)
class ScriptedFailure:
    """An answer a fake gives instead of doing its work."""

    status: int
    body: str
    media_type: str = "application/json"

    def response(self) -> Response:
        return Response(self.body, status_code=self.status, media_type=self.media_type)


class FakeApiServer:
    """A Starlette app served on 127.0.0.1 in a background thread, with scriptable faults.

    `latency_seconds` delays every answer (for benchmarks); `delay_next` and `fail_next` script
    the next requests. Subclasses add the API's routes and what they record.
    """

    def __init__(self, routes: list[Route]) -> None:
        self.latency_seconds = 0.0
        self._lock = threading.Lock()  # the caller's thread scripts, the server thread consumes
        self._failures: deque[ScriptedFailure] = deque()
        self._delays: deque[float] = deque()
        # Bound before the thread starts, so the port is known and nobody can take it meanwhile.
        self._server = ThreadedServer(
            Starlette(routes=routes), socket.create_server(("127.0.0.1", 0)), name="fake-api"
        )
        self.port: int = self._server.port

    @property
    def url(self) -> str:
        """The base URL to point an SDK at."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        """Serve; returns once the server accepts connections."""
        self._server.start(STARTUP_DEADLINE_SECONDS)
        return self

    def stop(self) -> None:
        """Stop serving; the port then refuses connections."""
        self._server.stop()

    def fail_with(self, count: int, failure: ScriptedFailure) -> None:
        """Answer the next `count` requests with `failure`."""
        with self._lock:
            self._failures.extend([failure] * count)

    def delay_next(self, seconds: float, count: int = 1) -> None:
        """Do the work of the next `count` requests, then wait `seconds` before answering."""
        with self._lock:
            self._delays.extend([seconds] * count)

    def reset_faults(self) -> None:
        """Forget scripted failures and delays."""
        with self._lock:
            self._failures.clear()
            self._delays.clear()
        self.latency_seconds = 0.0

    def _next_failure(self) -> ScriptedFailure | None:
        with self._lock:
            return self._failures.popleft() if self._failures else None

    async def _pause_before_answering(self) -> None:
        with self._lock:
            seconds = self.latency_seconds + (self._delays.popleft() if self._delays else 0.0)
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while not self._server.stopping and (left := end - loop.time()) > 0:
            await asyncio.sleep(min(left, PAUSE_SLICE_SECONDS))

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)
