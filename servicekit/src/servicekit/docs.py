"""Swagger UI served from our own origin, under a Content-Security-Policy that lets only it run.

FastAPI's page loads Swagger UI from a CDN (a floating `@5` version) and starts it with an
inline script. A script from elsewhere running on the API's origin could read the API's
answers, so the script and stylesheet come from the `fastapi-offline` package instead (pinned
by the lock like any dependency) and the policy allows scripts from our origin plus that one
inline script, by its SHA-256; nothing may frame the page. Checked in headless Chromium with
every operation expanded: the page renders with no violation reported.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def content_security_policy(html: str) -> str:
    """The policy for a Swagger UI page: its own inline scripts by hash, assets from 'self'."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(html)
    )
    return (
        "default-src 'none'; "
        f"script-src 'self' {hashes}; "
        "style-src 'self'; "
        "img-src 'self' data:; "
        "connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def swagger_ui_page(openapi_url: str, title: str) -> tuple[str, str]:
    """The page's HTML and its Content-Security-Policy."""
    page = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
        oauth2_redirect_url=None,  # tokens are pasted under Authorize, no OAuth flow
    )
    html = bytes(page.body).decode()
    return html, content_security_policy(html)


def install_swagger_ui(app: FastAPI, *, openapi_url: str, title: str) -> None:
    """Serve Swagger UI at /docs and its assets at /docs/assets, before any catch-all route."""
    html, policy = swagger_ui_page(openapi_url, title)
    headers = {"Content-Security-Policy": policy, "X-Frame-Options": "DENY"}
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIR), name="swagger-ui-assets")

    @app.get(DOCS_PATH, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(html, headers=headers)
