"""Each of the five services on the real PostgreSQL and broker, with a client of an org admin."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from servicekit.auth import Membership
from servicekit.testing.apps import serving
from servicekit.testing.issuer import TokenIssuer

# Options that leave out background consumers and jobs, as each service's own tests do.
SERVICES: dict[str, dict[str, bool]] = {
    "identity": {},
    "booking": {"consume": False},
    "shifts": {"consume": False},
    "notify": {"consume": False, "dispatch": False},
    "reporting": {"consume": False, "gauges": False},
}


@pytest.fixture(params=list(SERVICES))
async def service(
    request: pytest.FixtureRequest,
    clean_service_database: Any,
    kafka_bootstrap_servers: str,
    kafka_topic_prefix: str,
    tmp_path: Path,
) -> AsyncIterator[tuple[str, httpx.AsyncClient, dict[str, Any]]]:
    name: str = request.param
    settings_class = importlib.import_module(f"{name}.settings").Settings
    extra: dict[str, Any] = {"keys_dir": tmp_path / "keys"} if name == "identity" else {}
    settings = settings_class(
        database_url=await clean_service_database(name),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=kafka_topic_prefix,
        **extra,
    )
    app = importlib.import_module(f"{name}.app").create_app(settings, **SERVICES[name])
    issuer = TokenIssuer()
    async with serving(app, issuer.verifier()):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        headers = issuer.headers(uuid.uuid4(), Membership("org_admin", None))
        async with httpx.AsyncClient(
            transport=transport, base_url=f"http://{name}.test", headers=headers
        ) as client:
            yield name, client, app.openapi()
