"""The benchmarks' HTTP load client: raw HTTP/1.1 keep-alive connections on asyncio.

It runs in a bench's load process (this bench file with --load-worker, see harness.serve_load)
on the standard library alone: far cheaper per request than a full client, which matters as it
shares the machine's cores with the services it loads. Every connection sends the next request
of one shared source (repeated in turn, or each sent once) in a closed loop until the window
ends, reconnecting after an error; a `Tally` counts only what started and finished inside the
measured window.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

SAMPLES = 5  # refusals kept as examples
FAILURES = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError)


@dataclass
class Tally:
    """What the clients of one load run saw; `window` counts only the measured seconds."""

    measure_from: float
    stop_at: float
    latencies_us: list[int] = field(default_factory=list)  # the successes in the window
    window: dict[str, int] = field(default_factory=dict)  # outcome (status or error): count
    succeeded: int = 0  # over the whole run, warm-up included
    refusals: list[str] = field(default_factory=list)  # the first few, as examples
    exhausted: bool = False  # the requests ran out before the window ended

    @classmethod
    def after(cls, warmup: float, seconds: float) -> Tally:
        """A window of `seconds` that opens `warmup` seconds from now."""
        start = time.perf_counter() + warmup
        return cls(start, start + seconds)

    def record(
        self, outcome: str, ok: bool, started: float, finished: float, why: bytes | str
    ) -> None:
        self.succeeded += int(ok)
        if self.measure_from <= started and finished <= self.stop_at:
            self.window[outcome] = self.window.get(outcome, 0) + 1
            if ok:
                self.latencies_us.append(round((finished - started) * 1e6))
        if not ok and len(self.refusals) < SAMPLES:
            text = why.decode(errors="replace") if isinstance(why, bytes) else why
            self.refusals.append(f"{outcome}: {text[:300]}")

    def as_json(self) -> dict[str, Any]:
        return {
            "latencies_us": self.latencies_us,
            "window": self.window,
            "succeeded": self.succeeded,
            "refusals": self.refusals,
            "exhausted": self.exhausted,
        }


def request(method: str, url: str, headers: dict[str, str], body: str = "") -> str:
    """An HTTP/1.1 request for `url` (path and query; Host from its authority), as text that
    is sent latin-1 encoded (one byte a character)."""
    parts = urlsplit(url)
    target = f"{parts.path or '/'}{f'?{parts.query}' if parts.query else ''}"
    if body:
        headers = headers | {"Content-Length": str(len(body))}
    fields = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"{method} {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n{fields}\r\n{body}"


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Status, whether the server keeps the connection open, and the body (chunked or not)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, keep_alive = 0, False, True
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            keep_alive = b"close" not in value
    if not chunked:
        return status, keep_alive, await reader.readexactly(length) if length else b""
    parts = []
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        parts.append((await reader.readexactly(size + 2))[:-2])
    while await reader.readuntil(b"\r\n") != b"\r\n":
        pass  # trailers
    return status, keep_alive, b"".join(parts)


async def connection(
    host: str, port: int, requests: Iterator[bytes], tally: Tally, ok: int
) -> None:
    """One keep-alive connection sending the next of `requests` (shared by all the clients)
    until the window ends; a status `ok` is a success, anything else a refusal."""
    stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while time.perf_counter() < tally.stop_at:
        if (data := next(requests, None)) is None:
            tally.exhausted = True
            break
        started = time.perf_counter()
        try:
            if stream is None:
                stream = await asyncio.open_connection(host, port)
                started = time.perf_counter()  # a request's time, not the connection's
            stream[1].write(data)
            status, keep_alive, body = await read_response(stream[0])
        except FAILURES as e:
            tally.record(type(e).__name__, False, started, time.perf_counter(), str(e))
            if stream is not None:
                stream[1].close()
            stream = None
            await asyncio.sleep(0.01)
            continue
        tally.record(str(status), status == ok, started, time.perf_counter(), body)
        if not keep_alive:
            stream[1].close()
            stream = None
    if stream is not None:
        stream[1].close()


async def run(
    url: str,
    requests: Sequence[str],
    *,
    connections: int,
    warmup: float,
    seconds: float,
    ok: int = 200,
    once: bool = False,
) -> dict[str, Any]:
    """`connections` clients sending `requests` to `url`'s host, in turn over and over (each
    just once with `once`), for `warmup` then `seconds` measured; the tally as JSON."""
    encoded = [text.encode("latin-1") for text in requests]
    source = iter(encoded) if once else itertools.cycle(encoded)
    address = urlsplit(url)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    tally = Tally.after(warmup, seconds)
    await asyncio.gather(*(connection(host, port, source, tally, ok) for _ in range(connections)))
    return tally.as_json()


async def load(config: dict[str, Any]) -> dict[str, Any]:
    """`run` from a load process's JSON config (keys: its parameters, `ok` and `once` optional)."""
    return await run(
        config["url"],
        config["requests"],
        connections=config["connections"],
        warmup=config["warmup"],
        seconds=config["seconds"],
        ok=config.get("ok", 200),
        once=config.get("once", False),
    )
