"""Least-privilege databases: each service logs in as its own role that owns only its schema.

Used by the local stack, the test fixtures and the migration job. Passwords travel to the
server only as SCRAM-SHA-256 verifiers, so no server log can ever show one, and this module
never logs them either.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Mapping

import asyncpg
from sqlalchemy.engine import make_url

from servicekit.db import asyncpg_dsn

logger = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
EXTENSIONS_SCHEMA = "extensions"
EXTENSIONS = ("btree_gist",)
_RESERVED_SCHEMAS = frozenset({"public", EXTENSIONS_SCHEMA, "information_schema"})
_RESERVED_DATABASES = frozenset({"postgres", "template0", "template1"})
# Serialises concurrent provisioners of one cluster (pg_advisory_lock key: "clinic" + 1).
_ADVISORY_LOCK_KEY = 0x636C696E6963_01


def role_name(service: str) -> str:
    """The login role of a service: `<service>_svc`."""
    return f"{_checked_name(service, 'service')}_svc"


def quote_ident(name: str) -> str:
    """A validated identifier, double-quoted for SQL."""
    return f'"{_checked_name(name, "identifier")}"'


def scram_sha256_verifier(
    password: str, *, iterations: int = 4096, salt: bytes | None = None
) -> str:
    """What PostgreSQL stores for a password (RFC 7677), computed client-side."""
    _check_password(password)
    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    encoded = [base64.b64encode(part).decode() for part in (salt, stored_key, server_key)]
    return f"SCRAM-SHA-256${iterations}:{encoded[0]}${encoded[1]}:{encoded[2]}"


def service_url(admin_url: str, database: str, service: str, password: str) -> str:
    """The service's SQLAlchemy URL: `postgresql+asyncpg://<service>_svc:<pw>@host:port/db`."""
    url = make_url(admin_url).set(
        drivername="postgresql+asyncpg",
        username=role_name(service),
        password=password,
        database=database,
    )
    return url.render_as_string(hide_password=False)


async def provision(admin_url: str, database: str, services: Mapping[str, str]) -> dict[str, str]:
    """Create (or update) the database, roles and schemas; {service: asyncpg URL}. Idempotent.

    For each service: LOGIN role `<service>_svc` with the given password (rotated on rerun),
    CONNECT on the database, schema `<service>` owned by the role, search_path set to its
    schema then `extensions` (where btree_gist lives). PUBLIC loses CONNECT on the database
    and every privilege on schema `public`.
    """
    _checked_database(database)
    for service, password in services.items():
        _checked_name(service, "service")
        _check_password(password)
    admin = await asyncpg.connect(asyncpg_dsn(admin_url))
    try:
        await admin.execute("SELECT pg_advisory_lock($1)", _ADVISORY_LOCK_KEY)
        await _ensure_database(admin, database)
        for service, password in services.items():
            await _ensure_role(admin, database, service, password)
        target = await asyncpg.connect(asyncpg_dsn(admin_url, database))
        try:
            await _ensure_schemas(target, services)
        finally:
            await target.close()
    finally:
        await admin.close()  # also releases the advisory lock
    logger.info("provisioned database %s for %s", database, ", ".join(services))
    return {
        service: service_url(admin_url, database, service, password)
        for service, password in services.items()
    }


async def reset_schema(admin_url: str, database: str, service: str) -> None:
    """Drop the service's schema with everything in it and recreate it empty (for tests)."""
    schema, role = quote_ident(service), quote_ident(role_name(service))
    connection = await asyncpg.connect(asyncpg_dsn(admin_url, _checked_database(database)))
    try:
        async with connection.transaction():
            await connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            await connection.execute(f"CREATE SCHEMA {schema} AUTHORIZATION {role}")
    finally:
        await connection.close()


async def drop_database(admin_url: str, database: str) -> None:
    """Drop a database, disconnecting its sessions first (for test teardown)."""
    name = quote_ident(_checked_database(database))
    connection = await asyncpg.connect(asyncpg_dsn(admin_url))
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await connection.close()


async def _ensure_database(admin: asyncpg.Connection, database: str) -> None:
    name = quote_ident(database)
    if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
        # Something that does not take our lock may create it meanwhile.
        with contextlib.suppress(asyncpg.DuplicateDatabaseError):
            await admin.execute(f"CREATE DATABASE {name}")
    await admin.execute(f"REVOKE CONNECT ON DATABASE {name} FROM PUBLIC")


async def _ensure_role(
    admin: asyncpg.Connection, database: str, service: str, password: str
) -> None:
    role = role_name(service)
    exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    verb = "ALTER" if exists else "CREATE"
    await admin.execute(
        f"{verb} ROLE {quote_ident(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
        f" NOREPLICATION NOBYPASSRLS PASSWORD '{scram_sha256_verifier(password)}'"
    )
    await admin.execute(f"GRANT CONNECT ON DATABASE {quote_ident(database)} TO {quote_ident(role)}")
    await admin.execute(
        f"ALTER ROLE {quote_ident(role)} SET search_path = "
        f"{quote_ident(service)}, {quote_ident(EXTENSIONS_SCHEMA)}"
    )


async def _ensure_schemas(target: asyncpg.Connection, services: Mapping[str, str]) -> None:
    extensions = quote_ident(EXTENSIONS_SCHEMA)
    async with target.transaction():
        await target.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        await target.execute(f"CREATE SCHEMA IF NOT EXISTS {extensions}")
        await target.execute(f"REVOKE ALL ON SCHEMA {extensions} FROM PUBLIC")
        for extension in EXTENSIONS:
            await target.execute(
                f"CREATE EXTENSION IF NOT EXISTS {quote_ident(extension)} SCHEMA {extensions}"
            )
        for service in services:
            schema, role = quote_ident(service), quote_ident(role_name(service))
            await target.execute(f"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {role}")
            await target.execute(f"ALTER SCHEMA {schema} OWNER TO {role}")
            await target.execute(f"GRANT USAGE ON SCHEMA {extensions} TO {role}")


def _checked_name(name: str, kind: str) -> str:
    if not NAME_PATTERN.fullmatch(name) or len(name) > 59:
        raise ValueError(f"{kind} name {name!r} must match {NAME_PATTERN.pattern} (59 chars max)")
    if kind == "service" and (name in _RESERVED_SCHEMAS or name.startswith("pg_")):
        raise ValueError(f"{name!r} is a reserved schema name")
    return name


def _checked_database(database: str) -> str:
    if database in _RESERVED_DATABASES:
        raise ValueError(f"refusing to provision the system database {database!r}")
    return _checked_name(database, "database")


def _check_password(password: str) -> None:
    # Printable ASCII keeps the client-side verifier equal to the server's (no SASLprep).
    if not password or not all(" " <= char <= "~" for char in password):
        raise ValueError("a service password must be non-empty printable ASCII")
