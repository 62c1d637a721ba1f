"""The gateway's Prometheus metrics on a port of their own, never on the public one.

The gateway's port is the system's front door, and metrics tell anyone who can read them the
traffic, the error rates and which services are down. Prometheus scrapes GATEWAY_METRICS_PORT
instead, which deployments keep off the internet (not published in compose; in Kubernetes
only the monitoring namespace may reach it), and the public port answers 404 for /metrics.
"""

from __future__ import annotations

import socket

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from servicekit.threaded_server import ThreadedServer
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
        self._server = ThreadedServer(
            metrics_app(), socket.create_server((host, port), family=family), name="gateway-metrics"
        )
        self.port: int = self._server.port

    def start(self) -> MetricsServer:
        """Serve, returning once the server accepts connections."""
        self._server.start(STARTUP_SECONDS)
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.stop()
