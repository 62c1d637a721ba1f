"""No route of a service waits on a worker thread: FastAPI runs a plain `def` endpoint or
dependency in anyio's thread pool, a hand-off that cost booking a twentieth of its CPU."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

SERVICES = ("identity", "booking", "shifts", "notify", "reporting")
# A query-parameter model built by FastAPI itself (a class, so called in a thread): the
# user list is an admin's screen, and `Query()` models would reorder its documented parameters.
ALLOWED = {"UserFilters"}


def _app(service: str, tmp_path: Path) -> FastAPI:
    settings_class = importlib.import_module(f"{service}.settings").Settings
    extra = {"keys_dir": tmp_path / "keys"} if service == "identity" else {}
    settings = settings_class(
        database_url="postgresql+asyncpg://nobody:x@127.0.0.1:1/none", **extra
    )
    app: FastAPI = importlib.import_module(f"{service}.app").create_app(settings)
    return app


def _routes(router: Any) -> Iterator[APIRoute]:
    for route in router.routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # a router included in another
            yield from _routes(route.original_router)


def _runs_in_a_thread(call: Any) -> bool:
    checks = (inspect.iscoroutinefunction, inspect.isasyncgenfunction)
    # An instance with an async __call__ (e.g. HTTPBearer) is awaited like a coroutine.
    method = type(call).__call__ if not inspect.isroutine(call) else None
    return not any(check(c) for check in checks for c in (call, method))


def _threaded(dependant: Dependant) -> Iterator[str]:
    for dependency in dependant.dependencies:
        if dependency.call is not None and _runs_in_a_thread(dependency.call):
            yield getattr(dependency.call, "__qualname__", repr(dependency.call))
        yield from _threaded(dependency)


@pytest.mark.parametrize("service", SERVICES)
def test_every_endpoint_and_dependency_is_a_coroutine(service: str, tmp_path: Path) -> None:
    routes = list(_routes(_app(service, tmp_path).router))
    assert routes, "no routes found: the walk no longer matches FastAPI's router"
    threaded = {
        f"{route.path}: {name}"
        for route in routes
        for name in ([route.endpoint.__qualname__] if _runs_in_a_thread(route.endpoint) else [])
        + list(_threaded(route.dependant))
        if name not in ALLOWED
    }
    assert threaded == set()
