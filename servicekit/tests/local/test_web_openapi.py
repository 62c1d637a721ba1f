"""clinic-web openapi / gen-api / check-api: the document the web app's types come from is the
one a running gateway serves, and a stale schema.d.ts is caught."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gateway.openapi import MergedOpenApi
from gateway.proxy import Upstreams
from gateway.routes import owning_service
from gateway.settings import Settings
from gateway.sync_push import OWNERS
from gateway.sync_route import PATH as SYNC_PUSH
from servicekit.app import OPS_PATHS
from servicekit.local.web import WEB_DIR_ENV, WebApp
from servicekit.local.web_api import api_drift, generate_api
from servicekit.local.web_cli import main

from gateway import openapi_export

from .fake_web import make_fake_web


@pytest.fixture(scope="module")
def exported() -> dict[str, Any]:
    return openapi_export.export_openapi()


@pytest.fixture
async def gateway_openapi() -> AsyncIterator[MergedOpenApi]:
    """The gateway's own fetch-and-merge, over every service app in this process (no servers,
    no database: serving /openapi.json needs neither)."""
    upstreams = Upstreams(Settings())
    await upstreams.aclose()
    with openapi_export._harmless_environment():
        factories = openapi_export._app_factories()
        upstreams.clients = {
            name: httpx.AsyncClient(
                transport=httpx.ASGITransport(app=factories[name]()), base_url=f"http://{name}"
            )
            for name in upstreams.clients
        }
    yield MergedOpenApi(upstreams, ttl=60)
    await upstreams.aclose()


async def test_the_export_is_what_the_gateway_serves(
    exported: dict[str, Any], gateway_openapi: MergedOpenApi
) -> None:
    served = await gateway_openapi.document()

    assert served["x-unavailable-services"] == []
    assert exported == served


def test_every_path_of_every_service_is_routed_to_it(exported: dict[str, Any]) -> None:
    documents = openapi_export.service_documents()
    api_paths = {
        (service, path)
        for service, document in documents.items()
        for path in document["paths"]
        if path not in OPS_PATHS
    }

    # The sync push is the gateway's own route: it hands each run of a device's batch to the
    # service owning that kind of change, so each of those serves the path itself.
    fanned_out = {(service, path) for service, path in api_paths if path == SYNC_PUSH}
    routed = api_paths - fanned_out

    assert {(owning_service(path), path) for _, path in routed} == routed
    assert fanned_out == {(service, SYNC_PUSH) for service in set(OWNERS.values())}
    assert set(exported["paths"]) == {path for _, path in api_paths}


@pytest.fixture
def web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WebApp:
    root = make_fake_web(tmp_path / "web")
    monkeypatch.setenv(WEB_DIR_ENV, str(root))
    return WebApp(root)


def test_check_api_catches_a_stale_schema(
    web: WebApp, exported: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    said: list[str] = []
    generate_api(web, said.append)
    some_path = sorted(exported["paths"])[3]
    assert f"// {some_path}\n" in web.schema.read_text()
    assert said[-1] == "wrote web/src/api/schema.d.ts"
    assert api_drift(web, said.append) is None
    assert main(["check-api"]) == 0
    stale = web.schema.read_text().replace(f"// {some_path}\n", "")
    web.schema.write_text(stale)
    capsys.readouterr()

    assert main(["check-api"]) == 1

    error = capsys.readouterr().err
    assert "web/src/api/schema.d.ts is out of date with the services' API; 1 line differs" in error
    assert f"+// {some_path}" in error
    assert "run `uv run --frozen clinic-web gen-api` and commit web/src/api/schema.d.ts" in error
    assert web.schema.read_text() == stale  # checked elsewhere, never rewritten
