"""What the shared input guard costs per request: booking's real routes, no database needed.

    uv run --frozen python bench/input_guard.py [--seconds 3] [--rounds 3]

Builds booking's app (its OpenAPI document is all the guard reads; nothing is served), then
calls `servicekit.input_guard.InputGuard` in front of an ASGI app that answers at once, over
ASGI in-process, for three requests a client sends often: a booking (`POST /v1/appointments`
with a JSON body), a slot search (`GET /v1/slots` with six query parameters) and a read by id
(`GET /v1/appointments/{id}`). It prints the mean time per request with the guard and without
it (the bare app, so the difference is the guard's own cost), best of --rounds rounds of
--seconds each. No target: the figure is to compare with a request's whole cost (a booking
takes about 2.8 ms of booking's CPU, see the README's benchmarks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from typing import Any

from booking.app import create_app
from booking.settings import Settings
from servicekit.input_guard import InputGuard

BODY = json.dumps(
    {
        "clinic_id": str(uuid.uuid4()),
        "type_id": str(uuid.uuid4()),
        "starts_at": "2027-03-29T09:15:00+01:00",
        "provider_id": str(uuid.uuid4()),
        "note": "Bring the last results, please.",
    }
).encode()
QUERY = (
    f"clinic_id={uuid.uuid4()}&type_id={uuid.uuid4()}&provider_id={uuid.uuid4()}"
    "&from=2027-03-29T00:00:00%2B01:00&to=2027-04-12T00:00:00%2B01:00&limit=50"
).encode()
REQUESTS: dict[str, tuple[str, str, bytes, bytes]] = {
    "POST /v1/appointments (JSON body)": ("POST", "/v1/appointments", b"", BODY),
    "GET /v1/slots (6 query parameters)": ("GET", "/v1/slots", QUERY, b""),
    "GET /v1/appointments/{id}": ("GET", f"/v1/appointments/{uuid.uuid4()}", b"", b""),
}


async def answer(scope: Any, receive: Any, send: Any) -> None:
    """The app behind the guard: reads the body, answers 204."""
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def call(app: Any, method: str, path: str, query: bytes, body: bytes) -> int:
    headers = [(b"content-type", b"application/json")] if body else []
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": headers,
    }
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        status = message.get("status", status)

    await app(scope, receive, send)
    return status


async def mean_seconds(app: Any, request: tuple[str, str, bytes, bytes], seconds: float) -> float:
    count, end = 0, time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < end:
        for _ in range(100):
            assert await call(app, *request) == 204
        count += 100
    return (time.perf_counter() - started) / count


async def main(seconds: float, rounds: int) -> None:
    api = create_app(Settings(database_url="postgresql+asyncpg://bench:x@127.0.0.1:1/none"))
    guarded = InputGuard(answer, api=api)
    await call(guarded, "GET", "/", b"", b"")  # builds the operation index once
    print(f"best of {rounds} rounds of {seconds:g} s, mean per request:")
    for label, request in REQUESTS.items():
        bare = min([await mean_seconds(answer, request, seconds) for _ in range(rounds)])
        with_guard = min([await mean_seconds(guarded, request, seconds) for _ in range(rounds)])
        print(
            f"  {label:<36} guard {1e6 * (with_guard - bare):6.1f} us "
            f"(with guard {1e6 * with_guard:6.1f} us, bare app {1e6 * bare:5.1f} us)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.rounds))
