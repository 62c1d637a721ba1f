"""Which environment variables each process of the clinic system reads, from its Settings class.

Derived, never listed by hand: a field of a pydantic Settings class is read as `env_prefix` +
field name, uppercased (`IDENTITY_` + `keys_dir` -> `IDENTITY_KEYS_DIR`), except the shared
fields of `servicekit.settings.CommonSettings`, which carry an unprefixed `validation_alias`
(`KAFKA_BOOTSTRAP_SERVERS`, `JWKS_URL`, ...) and are read under that name by every process.

Import it from a test file beside this one with a relative import (pytest runs with
`--import-mode=importlib`, and `deploy/tests` is a package):

    from .catalog import PROCESSES, required_of, settings_of

API:
- `SERVICES`: the five services with a database schema; `PROCESSES`: those and `gateway`;
  `JOBS`: the one-shot `provision` and `migrate` commands of the image.
- `settings_class(name) -> type[BaseSettings]`: the Settings class of a service or the gateway.
- `shared_settings() -> frozenset[str]`: the unprefixed variables every process reads.
- `settings_of(name) -> frozenset[str]`: every variable the process (or job) reads; setting
  anything else on it is a mistake (a typo, or a setting of another service).
- `required_of(name) -> frozenset[str]`: what a deployment must set on it: fields without a
  default; secrets (SecretStr: refused empty outside development); fields whose default points
  at this machine (127.0.0.1 / localhost: the listen address, the database URL, the broker,
  JWKS and the gateway's upstreams), or is a relative path (identity's keys directory); and
  ENVIRONMENT and KAFKA_ENABLE_IDEMPOTENCE, whose defaults (development, false) are wrong
  for a deployment on Apache Kafka.
- `secrets_of(name) -> frozenset[str]`: the secrets it must be given (optional ones left out).
- `command_variables(name) -> frozenset[str]`: variables read outside the Settings class by
  a command of the service (e.g. IDENTITY_ADMIN_PASSWORD for `identity create-admin`), never
  by the running service.
- `env_name(settings_class, field) -> str`: the variable one field is read from.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings
from servicekit.settings import CommonSettings

SERVICES = ("identity", "booking", "shifts", "notify", "reporting")
PROCESSES = (*SERVICES, "gateway")
JOBS = ("provision", "migrate")

# Read with os.environ by a command of the service, not by its Settings.
_COMMAND_VARIABLES = {"identity": frozenset({"IDENTITY_ADMIN_PASSWORD"})}
# Defaults that are wrong anywhere but a developer's machine with the local stack.
_DEPLOYMENT_CHOICES = frozenset({"ENVIRONMENT", "KAFKA_ENABLE_IDEMPOTENCE"})
# Only the provision job reads it: the PostgreSQL superuser (deploy/docker/provision.py).
_ADMIN_DATABASE_URL = "DATABASE_URL"


def settings_class(name: str) -> type[BaseSettings]:
    """The Settings class of a service or of the gateway."""
    if name not in PROCESSES:
        raise KeyError(f"{name!r} is not one of {PROCESSES}")
    cls: type[BaseSettings] = importlib.import_module(f"{name}.settings").Settings
    return cls


def env_name(cls: type[BaseSettings], field: str) -> str:
    """The environment variable a field of a Settings class is read from."""
    info = cls.model_fields[field]
    if isinstance(info.validation_alias, str):
        return info.validation_alias.upper()
    if info.validation_alias is not None or info.alias is not None:
        raise NotImplementedError(f"{cls.__module__}.{field}: only plain aliases are handled")
    prefix = cls.model_config.get("env_prefix", "") or ""
    return f"{prefix}{field}".upper()


def shared_settings() -> frozenset[str]:
    """The unprefixed variables every process reads (servicekit's CommonSettings)."""
    return frozenset(env_name(CommonSettings, field) for field in CommonSettings.model_fields)


def _fields(name: str) -> dict[str, str]:
    cls = settings_class(name)
    return {field: env_name(cls, field) for field in cls.model_fields}


def settings_of(name: str) -> frozenset[str]:
    """Every variable a process or job reads."""
    if name == "migrate":
        # `python -m <service> migrate` for each service: each reads its whole Settings.
        return frozenset().union(*(settings_of(service) for service in SERVICES))
    if name == "provision":
        return settings_of("migrate") | {_ADMIN_DATABASE_URL}
    return frozenset(_fields(name).values())


def _must_be_set(cls: type[BaseSettings], field: str) -> bool:
    info = cls.model_fields[field]
    if info.is_required():
        return True
    default = info.get_default(call_default_factory=True)
    if isinstance(default, SecretStr):
        default = default.get_secret_value()
        if field != "database_url":  # secrets proper: refused empty in production
            return True
    if isinstance(default, Path) and not default.is_absolute():
        return True
    return isinstance(default, str) and ("127.0.0.1" in default or "localhost" in default)


def required_of(name: str) -> frozenset[str]:
    """What a deployment must set on a process or job (see the module docstring)."""
    database_urls = {f"{service.upper()}_DATABASE_URL" for service in SERVICES}
    if name == "migrate":
        # Each `python -m <service> migrate` loads its Settings, which refuse empty secrets.
        return frozenset({"ENVIRONMENT"} | database_urls | secrets_of_services())
    if name == "provision":
        # Only identity's Settings are loaded (for the first signing key).
        return frozenset(
            {"ENVIRONMENT", _ADMIN_DATABASE_URL, "IDENTITY_KEYS_DIR"}
            | database_urls
            | secrets_of("identity")
        )
    cls = settings_class(name)
    needed = {env_name(cls, field) for field in cls.model_fields if _must_be_set(cls, field)}
    return frozenset(needed | _DEPLOYMENT_CHOICES)


def secrets_of(name: str) -> frozenset[str]:
    """The secrets a process must be given (SecretStr with a default that production refuses,
    but the database URL); optional ones (None by default, e.g. provider keys) are left out."""
    cls = settings_class(name)
    return frozenset(
        env_name(cls, field)
        for field, info in cls.model_fields.items()
        if field != "database_url" and isinstance(info.get_default(), SecretStr)
    )


def secrets_of_services() -> frozenset[str]:
    """The secret settings of all five services."""
    return frozenset().union(*(secrets_of(service) for service in SERVICES))


def command_variables(name: str) -> frozenset[str]:
    """Variables read only by a command of the service (outside its Settings)."""
    return _COMMAND_VARIABLES.get(name, frozenset())
