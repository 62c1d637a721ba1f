"""A stand-in for a clinic service in the supervisor tests.

`standin_service.py <name>` serves /healthz, /readyz and /env on <NAME>_HOST:<NAME>_PORT;
`standin_service.py <name> migrate` records one row in <name>.standin_migrations through
<NAME>_DATABASE_URL. STANDIN_FAIL_MIGRATE=<name> and STANDIN_NEVER_READY=<name> make it fail,
STANDIN_EXIT=<name> makes it exit with code 4 at start, STANDIN_SLOW_READY=<name>:<seconds>
makes its /readyz answer 503 for that long.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = sys.argv[1]
PREFIX = NAME.upper()
STARTED = time.monotonic()


def not_ready_yet() -> bool:
    if os.environ.get("STANDIN_NEVER_READY") == NAME:
        return True
    name, _, seconds = os.environ.get("STANDIN_SLOW_READY", "").partition(":")
    return name == NAME and time.monotonic() - STARTED < float(seconds)


async def migrate() -> None:
    import asyncpg

    url = os.environ[f"{PREFIX}_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS standin_migrations (id serial PRIMARY KEY, at timestamptz"
            " NOT NULL DEFAULT now())"
        )
        await connection.execute("INSERT INTO standin_migrations DEFAULT VALUES")
    finally:
        await connection.close()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/env":
            self._answer(200, dict(os.environ))
        elif self.path == "/readyz" and not_ready_yet():
            self._answer(503, {"ready": False})
        elif self.path in ("/healthz", "/readyz"):
            self._answer(200, {"name": NAME})
        else:
            self._answer(404, {})

    def _answer(self, status: int, body: object) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    if sys.argv[2:] == ["migrate"]:
        if os.environ.get("STANDIN_FAIL_MIGRATE") == NAME:
            print(f"boom: {NAME} migration fails on purpose", flush=True)
            raise SystemExit(3)
        asyncio.run(migrate())
        print(f"{NAME} migrated", flush=True)
        return
    if os.environ.get("STANDIN_EXIT") == NAME:
        print(f"{NAME} cannot start: exiting on purpose", flush=True)
        raise SystemExit(4)
    server = ThreadingHTTPServer(
        (os.environ[f"{PREFIX}_HOST"], int(os.environ[f"{PREFIX}_PORT"])), Handler
    )
    print(f"{NAME} listening on {server.server_address}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
