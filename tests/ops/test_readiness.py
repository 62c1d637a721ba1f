"""Each service starts, reports readiness honestly and exports its metrics."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from fastapi import FastAPI
from servicekit.testing.apps import check_not_ready_without_database, check_ready_with_real_servers
from servicekit.testing.databases import CleanServiceDatabase

SERVICES = ["booking", "notify", "shifts"]


def service_app(service: str, **settings: Any) -> FastAPI:
    app_module = importlib.import_module(f"{service}.app")
    settings_module = importlib.import_module(f"{service}.settings")
    app: FastAPI = app_module.create_app(settings_module.Settings(**settings))
    return app


@pytest.mark.parametrize("service", SERVICES)
async def test_ready_against_real_servers(
    service: str, clean_service_database: CleanServiceDatabase, kafka_bootstrap_servers: str
) -> None:
    url = await clean_service_database(service)
    app = service_app(service, database_url=url, kafka_bootstrap_servers=kafka_bootstrap_servers)
    await check_ready_with_real_servers(app)


@pytest.mark.parametrize("service", SERVICES)
async def test_not_ready_when_the_database_is_unreachable(
    service: str, kafka_bootstrap_servers: str
) -> None:
    url = f"postgresql+asyncpg://{service}_svc:x@127.0.0.1:1/clinic"
    app = service_app(service, database_url=url, kafka_bootstrap_servers=kafka_bootstrap_servers)
    await check_not_ready_without_database(app)
