"""A 'service' on a bare socket, for answers no web framework would send (broken, stalled)."""

from __future__ import annotations

import socket
import threading


class RawService:
    """Accepts connections on a free port and hands each to `answer` in a thread of its own."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.accepted(connection)

    def accepted(self, connection: socket.socket) -> None:
        """Take a new connection: by default, read its request head and `answer` it."""
        threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head:
                data = connection.recv(65536)
                if not data:
                    return
                head += data
            self.answer(connection, head)

    def answer(self, connection: socket.socket, head: bytes) -> None:
        """Answer one request whose head has arrived (or not at all)."""
        raise NotImplementedError

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()
