"""The security headers of every answer, for the services and the gateway alike.

Every answer: `X-Content-Type-Options: nosniff` (a JSON body is never run as a script or page)
and `Referrer-Policy: no-referrer`. Answers of the API (`/v1/...`, the JWKS, the OpenAPI
document, health and metrics) also get `Cache-Control: no-store` (they carry personal data and
tokens: no browser or proxy may keep them), `X-Frame-Options: DENY` and a Content-Security-Policy
that lets them load and run nothing and never be framed. Other paths get no CSP from here:
Swagger UI sets its own (`servicekit.docs`), and the gateway, which alone knows which paths are
the web app's, gives the app's answers `WEB_APP_POLICY` (`gateway.webapp`).

A header the answer already has is left alone, never added twice: a route may choose its own
caching, and through the gateway a service's headers arrive once, as the service set them.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIXES = ("/v1", "/.well-known")
API_PATHS = frozenset({"/openapi.json", "/healthz", "/readyz", "/metrics"})
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
# The web app: only its own scripts (no inline ones, no eval) and its own origin to talk to.
# Inline styles are allowed because Mantine writes its CSS variables into style elements and
# attributes at run time; an injected style cannot run code, and img-src / font-src 'self'
# keep it from carrying anything off to another origin.
WEB_APP_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

EVERY_ANSWER = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"))
API_ANSWER = (
    *EVERY_ANSWER,
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", API_POLICY),
)


def is_api_path(path: str) -> bool:
    """Whether the path is one of the API's own (whole segments: /v1x is not /v1)."""
    return path in API_PATHS or any(
        path == prefix or path.startswith(f"{prefix}/") for prefix in API_PREFIXES
    )


def headers_for(path: str) -> tuple[tuple[str, str], ...]:
    """The headers an answer on this path must carry."""
    return API_ANSWER if is_api_path(path) else EVERY_ANSWER


class SecurityHeadersMiddleware:
    """ASGI middleware adding `headers_for(path)` to each response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = headers_for(scope["path"])

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted:
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_secured)
