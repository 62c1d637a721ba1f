"""The FastAPI app every service is built on: errors, request ids, logs, traces, health, metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_fastapi_instrumentator import Instrumentator

from servicekit.docs import install_swagger_ui
from servicekit.input_guard import InputGuard
from servicekit.logs import configure_logging
from servicekit.problems import install_problem_handlers, problem_response
from servicekit.runtime import ServiceRuntime, running
from servicekit.security_headers import SecurityHeadersMiddleware
from servicekit.telemetry import configure_tracing

OPS_PATHS = ["/healthz", "/readyz", "/metrics"]
# FastAPI's own OpenTelemetry keeps only its server span, which gives the logs each request's
# trace id (with an exporter set, the instrumentation install_common adds takes its place).
# Nothing collects its metrics (Prometheus's are used), its logs or its spans per dependency
# and endpoint, which cost each request environment lookups and spans.
NATIVE_TELEMETRY: TelemetryConfig = {"metrics": False, "logs": False, "operation_spans": False}


def _accept_request_id(value: str) -> bool:
    # Ids from the gateway or a client are kept if they are sane; others are replaced.
    return 8 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def create_service_app(
    runtime: ServiceRuntime,
    *,
    routers: Sequence[APIRouter] = (),
    consumers: Callable[[ServiceRuntime], None] | None = None,
    description: str = "",
) -> FastAPI:
    """A service app whose lifespan opens the runtime (database, broker, relay, consumers)."""
    settings = runtime.settings
    configure_logging(runtime.name, settings.log_level)
    configure_tracing(runtime.name, settings.otel_exporter_otlp_endpoint)
    if consumers is not None:
        consumers(runtime)  # subscribers must exist before the broker starts

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with running(runtime):
            yield

    title = f"clinic {runtime.name}"
    app = FastAPI(
        title=title,
        description=description,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        telemetry=NATIVE_TELEMETRY,
    )
    app.state.runtime = runtime
    app.state.verifier = runtime.verifier
    for router in routers:
        app.include_router(router)
    _add_readiness(app, runtime)
    # Innermost of the middleware: its 422s get request ids and are counted like any answer.
    app.add_middleware(InputGuard, api=app)
    # Spans only when they go somewhere, as in the gateway: the ASGI instrumentation was a
    # twentieth of a booking's CPU with nothing to export to.
    install_common(app, trace=bool(settings.otel_exporter_otlp_endpoint))
    install_swagger_ui(app, openapi_url="/openapi.json", title=title)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every answer passes through it
    return app


def install_common(app: FastAPI, *, trace: bool = True, metrics: bool = True) -> None:
    """Problem+json errors, request ids, HTTP metrics and traces, /healthz and (unless the app
    serves them elsewhere, as the gateway does) /metrics."""
    install_problem_handlers(app)

    @app.get("/healthz", tags=["ops"], summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if metrics:

        @app.get("/metrics", tags=["ops"], summary="Prometheus metrics", include_in_schema=False)
        async def prometheus_metrics() -> Response:
            return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(
        CorrelationIdMiddleware, header_name="X-Request-ID", validator=_accept_request_id
    )
    Instrumentator(excluded_handlers=OPS_PATHS).instrument(app)
    if trace:
        FastAPIInstrumentor.instrument_app(app, excluded_urls=",".join(OPS_PATHS))


def _add_readiness(app: FastAPI, runtime: ServiceRuntime) -> None:
    @app.get(
        "/readyz",
        tags=["ops"],
        summary="The database and the broker are reachable, and token revocations are loaded",
    )
    async def readyz() -> Response:
        checks = {
            "database": "ok" if await runtime.database_ready() else "unreachable",
            "broker": "ok" if await runtime.connector.ping() else "unreachable",
            "revocations": "ok" if runtime.revocation_feed.caught_up.is_set() else "loading",
        }
        if all(value == "ok" for value in checks.values()):
            return JSONResponse({"status": "ready", "service": runtime.name, "checks": checks})
        return problem_response(
            503,
            slug="not-ready",
            detail="A dependency of the service is unreachable.",
            checks=checks,
        )
