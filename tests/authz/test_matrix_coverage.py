"""docs/authorization.yaml has an entry for every public route of every service, and no more."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml

MATRIX_FILE = Path(__file__).parents[2] / "docs" / "authorization.yaml"
SERVICES = ("identity", "booking", "shifts", "notify", "reporting")
SCOPES = {"any", "own", "clinic"}
METHODS = {"get", "put", "post", "patch", "delete"}


def load_matrix() -> dict[str, Any]:
    return dict(yaml.safe_load(MATRIX_FILE.read_text()))


def public_operations(service: str, tmp_path: Path) -> set[str]:
    """`METHOD /path` of every operation the service documents, ops endpoints aside."""
    settings_class = importlib.import_module(f"{service}.settings").Settings
    extra = {"keys_dir": tmp_path / "keys"} if service == "identity" else {}
    settings = settings_class(
        database_url="postgresql+asyncpg://nobody:x@127.0.0.1:1/none", **extra
    )
    app = importlib.import_module(f"{service}.app").create_app(settings)
    paths = app.openapi()["paths"]
    return {
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        if path.startswith(("/v1/", "/.well-known/"))
        for method in operations
        if method in METHODS
    }


@pytest.fixture(scope="module")
def documented(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    tmp = tmp_path_factory.mktemp("authz")
    return set().union(*(public_operations(service, tmp) for service in SERVICES))


def test_every_route_has_an_entry_and_every_entry_a_route(documented: set[str]) -> None:
    entries = set(load_matrix()["routes"])
    assert documented - entries == set(), "routes without an authorization entry"
    assert entries - documented == set(), "entries for routes that no longer exist"


def test_entries_name_known_roles_and_scopes() -> None:
    matrix = load_matrix()
    roles = set(matrix["roles"])
    for route, grants in matrix["routes"].items():
        assert set(grants) <= roles, route
        assert set(grants.values()) <= SCOPES, route
        if "anonymous" in grants:
            assert grants["anonymous"] == "any", f"{route}: anonymous callers own nothing"
