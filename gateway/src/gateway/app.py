"""The gateway app: CORS, rate limits, token check, routing to the owning service, ops, and
the web app's files."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import Response
from servicekit.app import NATIVE_TELEMETRY, OPS_PATHS, install_common
from servicekit.docs import install_swagger_ui
from servicekit.logs import configure_logging
from servicekit.problems import NotFound
from servicekit.security_headers import SecurityHeadersMiddleware
from servicekit.telemetry import configure_tracing

from gateway import ops
from gateway.cors import GatewayCORSMiddleware
from gateway.metrics_port import MetricsServer
from gateway.openapi_merge import INFO
from gateway.proxy import forward
from gateway.ratelimit import RateLimitMiddleware, TokenBucketLimiter, spend_user_budget
from gateway.resources import GatewayResources
from gateway.routes import find_route
from gateway.settings import Settings
from gateway.sync_route import router as sync_router
from gateway.tokens import authenticate
from gateway.webapp import WebApp, is_app_path

PROXIED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def proxy(request: Request) -> Response:
    """The web app's files; else check the caller's token and budget, then hand the request
    to the owning service."""
    resources: GatewayResources = request.app.state.resources
    web_app: WebApp | None = request.app.state.web_app
    if web_app is not None and is_app_path(request.scope["path"]):
        return web_app.answer(request)
    route = find_route(request.scope["path"])
    if route is None:
        raise NotFound(f"No service serves {request.scope['path']}.")
    principal = await authenticate(request, resources.verifier)
    if principal is not None:
        spend_user_budget(request, resources.user_limiter, str(principal.user_id))
    return await forward(request, route.service, resources.upstreams, resources.settings)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The gateway, configured from the environment unless `settings` is given."""
    settings = settings or Settings()
    configure_logging("gateway", settings.log_level)
    # httpx logs every proxied request at INFO; the metrics and traces already record them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    configure_tracing("gateway", settings.otel_exporter_otlp_endpoint)
    # The gateway's own schema would shadow the merged one, so FastAPI's is switched off.
    app = FastAPI(
        title="clinic gateway",
        lifespan=_lifespan(settings),
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry=NATIVE_TELEMETRY,
    )
    app.state.web_app = WebApp.load(settings.web_dir) if settings.web_dir else None
    # Added before install_common, so request ids and metrics wrap the 429 answers too.
    _limit_rates(app, settings, app.state.web_app)
    app.include_router(ops.router)
    install_swagger_ui(app, openapi_url="/openapi.json", title=str(INFO["title"]))
    # Without an exporter the gateway's spans would go nowhere; callers' traceparent passes on.
    install_common(app, trace=bool(settings.otel_exporter_otlp_endpoint), metrics=False)
    if settings.cors_origins:
        # Outside the rate limit, so preflights are answered before any token check or limit, and
        # every answer (401 and 429 included) carries the headers a browser needs to read it.
        app.add_middleware(GatewayCORSMiddleware, origins=settings.cors_origins)
    # Outermost of all: preflight answers and refusals carry the security headers too.
    app.add_middleware(SecurityHeadersMiddleware)
    # The gateway's own POST /v1/sync/push, before the catch-all would send it to booking.
    app.include_router(sync_router)
    # The catch-all goes last, after every ops route. A plain Starlette route: it takes only
    # the request, so FastAPI's dependency and response handling would be all cost.
    app.add_route("/{path:path}", proxy, methods=PROXIED_METHODS, include_in_schema=False)
    return app


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        metrics = MetricsServer(settings.host, settings.metrics_port).start()
        app.state.metrics_port = metrics.port
        resources = GatewayResources.open(settings)
        app.state.resources = resources
        try:
            yield
        finally:
            await resources.aclose()
            metrics.stop()

    return lifespan


def _limit_rates(app: FastAPI, settings: Settings, web_app: WebApp | None) -> None:
    unlimited = frozenset(path for path in OPS_PATHS if path != "/metrics")  # 404 here

    def exempt(path: str) -> bool:
        # The app's files come from memory and cost no service anything; counting them would
        # spend a clinic's shared address on page loads (a dozen files each) instead of its work.
        return path in unlimited or (web_app is not None and is_app_path(path))

    limiter = TokenBucketLimiter(
        per_minute=settings.rate_limit_per_minute,
        burst=settings.rate_limit_burst,
        max_clients=settings.rate_limit_max_clients,
    )
    app.add_middleware(
        RateLimitMiddleware,
        limiter=limiter,
        exempt=exempt,
        trust_forwarded_for=settings.trust_forwarded_for,
    )
