"""uvicorn serving an ASGI app from a thread of its own, on a socket bound by the caller."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


class ThreadedServer:
    """Serves `app` on `sock` beside the caller's event loop (a metrics port, a fake API).

    The caller binds the socket first, so the port is known, a taken one fails at once, and
    nobody can take it meanwhile.
    """

    def __init__(self, app: Any, sock: socket.socket, *, name: str) -> None:
        self._socket = sock
        self.port: int = sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_config=None, access_log=False, lifespan="off", server_header=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name=name,
            daemon=True,  # never keeps a stopping process alive
        )

    @property
    def stopping(self) -> bool:
        return bool(self._server.should_exit)

    def start(self, deadline_seconds: float) -> None:
        """Serve, returning once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + deadline_seconds
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                name = self._thread.name
                raise RuntimeError(f"the server {name} on port {self.port} did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving and release the port: it then refuses connections."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
