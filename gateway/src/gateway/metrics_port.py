"""The gateway's Prometheus metrics on a port of their own, never on the public one.

The gateway's port is the system's front door, and metrics tell anyone who can read them the
traffic, the error rates and which services are down. Prometheus scrapes GATEWAY_METRICS_PORT
instead, which deployments keep off the internet (not published in compose; in Kubernetes
only the monitoring namespace may reach it), and the public port answers 404 for /metrics.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

STARTUP_SECONDS = 10.0


async def _metrics(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def metrics_app() -> Starlette:
    """/metrics of this process's default registry, 404 anywhere else."""
    return Starlette(routes=[Route("/metrics", _metrics, methods=["GET"])])


class MetricsServer:
    """uvicorn serving `metrics_app()` in a thread of its own, beside the gateway's server."""

    def __init__(self, host: str, port: int) -> None:
        # Bound now, so a taken port stops the gateway at start with the reason; 0: any free one.
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.create_server((host, port), family=family)
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            metrics_app(), log_config=None, access_log=False, lifespan="off", server_header=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="gateway-metrics",
            daemon=True,  # never keeps a stopping gateway alive
        )

    def start(self) -> MetricsServer:
        """Serve, returning once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the metrics server on port {self.port} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
