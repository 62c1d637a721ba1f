"""Security headers on every answer, and Swagger UI under a policy that lets only it run."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from servicekit.docs import install_swagger_ui
from servicekit.problems import NotFound, install_problem_handlers
from servicekit.security_headers import (
    API_POLICY,
    WEB_APP_POLICY,
    SecurityHeadersMiddleware,
    is_api_path,
)

API_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "content-security-policy": API_POLICY,
}


@pytest.mark.parametrize(
    ("path", "api"),
    [
        ("/v1", True),
        ("/v1/auth/token", True),
        ("/v1/me", True),
        ("/.well-known/jwks.json", True),
        ("/openapi.json", True),
        ("/healthz", True),
        ("/metrics", True),
        ("/v1x", False),
        ("/", False),
        ("/docs", False),
        ("/assets/app.js", False),
    ],
)
def test_which_paths_are_the_apis(path: str, api: bool) -> None:
    assert is_api_path(path) is api


def small_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    install_problem_handlers(app)

    @app.get("/v1/me")
    async def me() -> dict[str, str]:
        return {"name": "Amina"}

    @app.get("/v1/types")
    async def cacheable() -> JSONResponse:
        return JSONResponse([], headers={"Cache-Control": "public, max-age=60"})

    @app.get("/v1/missing")
    async def missing() -> None:
        raise NotFound("nothing here")

    @app.get("/")
    async def home() -> dict[str, str]:
        return {"page": "the web app's"}

    install_swagger_ui(app, openapi_url="/openapi.json", title="test")
    app.add_middleware(SecurityHeadersMiddleware)
    return app


@pytest.fixture
async def client() -> Any:
    transport = httpx.ASGITransport(app=small_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://headers.test") as client:
        yield client


def once(response: httpx.Response, name: str) -> str:
    values = response.headers.get_list(name)
    assert len(values) == 1, (name, values)
    return values[0]


async def test_api_answers_carry_every_header_once(client: Any) -> None:
    for path in ("/v1/me", "/v1/missing", "/v1/nowhere", "/openapi.json"):
        response = await client.get(path)
        assert {name: once(response, name) for name in API_HEADERS} == API_HEADERS, path


async def test_a_route_that_chooses_its_own_caching_keeps_it(client: Any) -> None:
    response = await client.get("/v1/types")
    assert once(response, "cache-control") == "public, max-age=60"
    assert once(response, "x-content-type-options") == "nosniff"


async def test_paths_that_are_not_the_apis_get_no_policy_from_here(client: Any) -> None:
    response = await client.get("/")
    assert once(response, "x-content-type-options") == "nosniff"
    assert once(response, "referrer-policy") == "no-referrer"
    for name in ("content-security-policy", "x-frame-options", "cache-control"):
        assert name not in response.headers


async def test_swagger_ui_allows_its_own_inline_script_by_hash_and_nothing_else(
    client: Any,
) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    policy = once(response, "content-security-policy")
    [script] = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == f"'self' 'sha256-{digest}'"
    assert directives["default-src"] == "'none'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert once(response, "x-frame-options") == "DENY"
    # Its assets come from our own origin, not a CDN.
    assert "https://" not in response.text
    for asset in re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', response.text):
        loaded = await client.get(asset)
        assert loaded.status_code == 200, asset
        assert once(loaded, "x-content-type-options") == "nosniff"


def test_the_web_apps_policy_runs_only_its_own_scripts() -> None:
    directives = dict(d.strip().split(" ", 1) for d in WEB_APP_POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["style-src"] == "'self' 'unsafe-inline'"  # Mantine's CSS variables
    assert directives["img-src"] == "'self' data:"
    assert directives["connect-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
