"""What the local stack runs: services, their ports, environments, secrets and stack.json."""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from servicekit.local.processes import connect_host

SERVICE_NAMES = ("identity", "booking", "shifts", "notify", "reporting")
DATABASE = "clinic"
# The superuser URL must not leak into services, which get their own least-privilege URL.
_WITHHELD_ENV = ("DATABASE_URL", "TEST_DATABASE_URL")


@dataclass(frozen=True)
class ServiceSpec:
    """One process of the stack: how to run it and, if it has a schema, how to migrate it."""

    name: str
    command: tuple[str, ...]
    migrate_command: tuple[str, ...] | None = None
    uses_database: bool = True
    # A gateway that serves the web app's build (GATEWAY_WEB_DIR); stand-ins in tests do not.
    serves_web: bool = False


def module_service(name: str) -> ServiceSpec:
    """A service run as `python -m <name>` and migrated by `python -m <name> migrate`."""
    return ServiceSpec(name, (sys.executable, "-m", name), (sys.executable, "-m", name, "migrate"))


def default_services() -> list[ServiceSpec]:
    return [module_service(name) for name in SERVICE_NAMES]


def default_gateway() -> ServiceSpec:
    return ServiceSpec(
        "gateway", (sys.executable, "-m", "gateway"), uses_database=False, serves_web=True
    )


def contract_topics(prefix: str = "") -> list[tuple[str, int]]:
    """(name, partitions) of every topic in the contracts registry."""
    from clinic_contracts.registry import TOPICS

    topics = TOPICS.values() if isinstance(TOPICS, Mapping) else TOPICS
    return [(f"{prefix}{topic.name}", int(topic.partitions)) for topic in topics]


@dataclass(frozen=True)
class StackOptions:
    state_dir: Path
    host: str = "127.0.0.1"
    gateway_port: int = 8000
    postgres_port: int = 55432
    kafka_port: int = 9092
    reset: bool = False
    ready_timeout: float | None = None  # None: as long as every process runs
    demo: bool = True
    database: str = DATABASE
    web_dir: Path | None = None  # the web app's folder (web/); None: no web app

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    def log_path(self, name: str) -> Path:
        return self.logs_dir / f"{name}.log"

    def url(self, port: int) -> str:
        return f"http://{connect_host(self.host)}:{port}"


@dataclass(frozen=True)
class StackPlan:
    """The services (in start order, ports gateway+1, +2, ...) and the gateway."""

    options: StackOptions
    services: Sequence[ServiceSpec]
    gateway: ServiceSpec

    def ports(self) -> dict[str, int]:
        ports = {self.gateway.name: self.options.gateway_port}
        for offset, spec in enumerate(self.services, start=1):
            ports[spec.name] = self.options.gateway_port + offset
        return ports

    def urls(self) -> dict[str, str]:
        return {name: self.options.url(port) for name, port in self.ports().items()}

    @property
    def web_dir(self) -> Path | None:
        """The web app to build and serve, if any: only a gateway that serves it needs it."""
        return self.options.web_dir if self.gateway.serves_web else None

    def metrics_port(self) -> int:
        """The gateway's metrics port: the one after the services'."""
        return self.options.gateway_port + len(self.services) + 1

    def common_env(self, *, kafka: str, idempotence: bool) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in _WITHHELD_ENV}
        identity_port = self.ports().get("identity", self.options.gateway_port + 1)
        env.update(
            ENVIRONMENT="development",
            PYTHONUNBUFFERED="1",
            KAFKA_BOOTSTRAP_SERVERS=kafka,
            KAFKA_ENABLE_IDEMPOTENCE="true" if idempotence else "false",
            JWKS_URL=f"{self.options.url(identity_port)}/.well-known/jwks.json",
            IDENTITY_KEYS_DIR=str(self.options.state_dir / "keys"),
        )
        return env

    def service_env(
        self, spec: ServiceSpec, common: Mapping[str, str], database_url: str | None
    ) -> dict[str, str]:
        prefix = spec.name.upper()
        env = {**common, f"{prefix}_HOST": self.options.host}
        env[f"{prefix}_PORT"] = str(self.ports()[spec.name])
        if database_url is not None:
            env[f"{prefix}_DATABASE_URL"] = database_url
        return env

    def gateway_env(self, common: Mapping[str, str]) -> dict[str, str]:
        env = self.service_env(self.gateway, common, None)
        env["GATEWAY_METRICS_PORT"] = str(self.metrics_port())
        env.pop("GATEWAY_WEB_DIR", None)  # --no-web means the API only, whatever the shell has
        if self.web_dir is not None:
            env["GATEWAY_WEB_DIR"] = str(self.web_dir.absolute() / "dist")
        for spec in self.services:
            env[f"GATEWAY_{spec.name.upper()}_URL"] = self.urls()[spec.name]
        return env


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, atomically."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text)
    os.replace(temporary, path)


def database_passwords(secrets_file: Path, services: Sequence[str]) -> dict[str, str]:
    """Per-service database passwords, generated once and kept in secrets.json (0600)."""
    stored: dict[str, Any] = {}
    if secrets_file.exists():
        stored = json.loads(secrets_file.read_text())
    passwords: dict[str, str] = stored.setdefault("database_passwords", {})
    missing = [name for name in services if name not in passwords]
    for name in missing:
        passwords[name] = secrets.token_urlsafe(24)
    if missing or not secrets_file.exists():
        write_private(secrets_file, json.dumps(stored, indent=2) + "\n")
    return {name: passwords[name] for name in services}


def write_stack_file(path: Path, entries: Mapping[str, Mapping[str, Any]]) -> None:
    """stack.json: {name: {pid, url, log}} for every process and endpoint of the stack."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(entries, indent=2) + "\n")
    os.replace(temporary, path)
