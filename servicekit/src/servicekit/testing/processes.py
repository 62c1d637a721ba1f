"""A service run as its own OS process, as in production, for tests of several replicas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from servicekit.local.processes import free_port
from servicekit.testing.issuer import TokenIssuer


@contextmanager
def jwks_server(jwks: dict[str, Any]) -> Iterator[str]:
    """Serve a test issuer's JWKS over HTTP, as identity does, for other processes; its URL."""
    document = json.dumps(jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    finally:
        server.shutdown()


@contextmanager
def service_process(
    service: str,
    settings: Any,
    issuer: TokenIssuer,
    jwks_url: str,
    extra_env: Mapping[str, str] | None = None,
    deadline_seconds: float = 60.0,
) -> Iterator[str]:
    """`python -m <service>` on the test database and broker, once healthy; its base URL."""
    port = free_port()
    prefix = service.upper()
    env = (
        os.environ
        | {
            f"{prefix}_DATABASE_URL": settings.database_url.get_secret_value(),
            f"{prefix}_PORT": str(port),
            "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
            "JWKS_URL": jwks_url,
            "JWT_ISSUER": issuer.issuer,
            "JWT_AUDIENCE": issuer.audience,
            "LOG_LEVEL": "WARNING",
        }
        | dict(extra_env or {})
    )
    process = subprocess.Popen([sys.executable, "-m", service], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + deadline_seconds
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, f"the {service} process exited"
            assert time.monotonic() < deadline, f"the {service} process did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
