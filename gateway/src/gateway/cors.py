"""CORS for browser apps on other origins; off unless GATEWAY_CORS_ORIGINS lists some."""

from __future__ import annotations

from servicekit.problems import problem_response
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

ALLOWED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ALLOWED_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID", "If-Match")
EXPOSED_HEADERS = (
    "Location",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "X-Request-ID",
    "ETag",
)
PREFLIGHT_MAX_AGE_SECONDS = 600


class GatewayCORSMiddleware(CORSMiddleware):
    """Starlette's CORS handling; a refused preflight is problem+json and allows nothing."""

    def __init__(self, app: ASGIApp, *, origins: list[str]) -> None:
        super().__init__(
            app,
            allow_origins=origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            # Tokens travel in Authorization, never in cookies, so credentials stay off.
            allow_credentials=False,
            max_age=PREFLIGHT_MAX_AGE_SECONDS,
        )

    def preflight_response(self, request_headers: Headers) -> Response:
        """Starlette's answer when it allows the request; otherwise a 403 problem."""
        allowed = super().preflight_response(request_headers)
        if allowed.status_code == 200:
            return allowed
        # Starlette would still send Access-Control-Allow-Methods/-Headers with its 400 text.
        return problem_response(
            403,
            slug="cors-not-allowed",
            detail=bytes(allowed.body).decode() + ".",
            headers={"Vary": allowed.headers["vary"]},
        )
