"""Least privilege: each service role reaches its own schema and nothing else."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from servicekit.db import asyncpg_dsn
from servicekit.provision import (
    drop_database,
    provision,
    reset_schema,
    scram_sha256_verifier,
)

# Not the real services' names: roles are cluster-wide, and other tests use those.
PASSWORDS = {"registry": "registry-pw-1", "ledger": "ledger-pw-1"}


@pytest.fixture
async def database(postgres_admin_url: str) -> AsyncIterator[str]:
    name = f"prov_{uuid.uuid4().hex[:8]}"
    yield name
    await drop_database(postgres_admin_url, name)


async def _connect(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(asyncpg_dsn(url))


async def test_a_service_role_can_touch_only_its_own_schema(
    postgres_admin_url: str, database: str
) -> None:
    urls = await provision(postgres_admin_url, database, PASSWORDS)
    admin = await asyncpg.connect(asyncpg_dsn(postgres_admin_url, database))
    await admin.execute("CREATE TABLE public.notes (body text)")
    await admin.close()
    registry = await _connect(urls["registry"])
    await registry.execute("CREATE TABLE people (name text)")  # lands in schema registry
    await registry.close()

    ledger = await _connect(urls["ledger"])
    try:
        assert await ledger.fetchval("SELECT current_user") == "ledger_svc"
        assert await ledger.fetchval("SHOW search_path") == "ledger, extensions"
        for statement in (
            "SELECT * FROM registry.people",
            "CREATE TABLE registry.stolen (id int)",
            "SELECT * FROM public.notes",
            "CREATE TABLE public.stray (id int)",
            "CREATE SCHEMA mine",
            "CREATE TABLE extensions.stray (id int)",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await ledger.execute(statement)
        # Its own schema is its to migrate, btree_gist included (for exclusion constraints).
        await ledger.execute(
            "CREATE TABLE appointments (provider int, during tstzrange,"
            " EXCLUDE USING gist (provider WITH =, during WITH &&))"
        )
        schema = "SELECT schemaname FROM pg_tables WHERE tablename = 'appointments'"
        assert await ledger.fetchval(schema) == "ledger"
    finally:
        await ledger.close()


async def test_other_roles_cannot_even_connect(postgres_admin_url: str, database: str) -> None:
    await provision(postgres_admin_url, database, PASSWORDS)
    other = f"prov_{uuid.uuid4().hex[:8]}"
    try:
        urls = await provision(postgres_admin_url, other, {"tally": "tally-pw-1"})
        stranger = asyncpg_dsn(urls["tally"], database)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await asyncpg.connect(stranger)
    finally:
        await drop_database(postgres_admin_url, other)


async def test_provision_is_idempotent_and_rotates_passwords(
    postgres_admin_url: str, database: str
) -> None:
    first = await provision(postgres_admin_url, database, PASSWORDS)
    ledger = await _connect(first["ledger"])
    await ledger.execute("CREATE TABLE kept (id int)")
    await ledger.close()

    second = await provision(postgres_admin_url, database, {**PASSWORDS, "ledger": "rotated-2"})

    with pytest.raises(asyncpg.InvalidPasswordError):
        await _connect(first["ledger"])
    ledger = await _connect(second["ledger"])
    assert await ledger.fetchval("SELECT count(*) FROM kept") == 0
    await ledger.close()
    assert second["registry"] == first["registry"]


async def test_urls_name_the_role_database_and_server(
    postgres_admin_url: str, database: str
) -> None:
    urls = await provision(postgres_admin_url, database, {"roster": "roster-pw-1"})

    assert urls["roster"].startswith("postgresql+asyncpg://roster_svc:roster-pw-1@")
    assert urls["roster"].endswith(f"/{database}")


async def test_reset_schema_empties_it_and_gives_it_back_to_the_role(
    postgres_admin_url: str, database: str
) -> None:
    urls = await provision(postgres_admin_url, database, PASSWORDS)
    ledger = await _connect(urls["ledger"])
    await ledger.execute("CREATE TABLE doomed (id int)")
    await ledger.close()

    await reset_schema(postgres_admin_url, database, "ledger")

    ledger = await _connect(urls["ledger"])
    try:
        assert await ledger.fetchval("SELECT to_regclass('ledger.doomed')") is None
        await ledger.execute("CREATE TABLE reborn (id int)")
    finally:
        await ledger.close()


async def test_passwords_are_never_logged(
    postgres_admin_url: str, database: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    await provision(postgres_admin_url, database, PASSWORDS)

    assert caplog.records  # something was logged, just not the secrets
    for password in PASSWORDS.values():
        assert password not in caplog.text


@pytest.mark.parametrize(
    ("database", "services"),
    [
        ("Clinic", {"ledger": "pw"}),
        ("clinic", {"ledger; DROP": "pw"}),
        ("clinic", {"public": "pw"}),
        ("postgres", {"ledger": "pw"}),
        ("clinic", {"ledger": ""}),
        ("clinic", {"ledger": "pässword"}),
    ],
)
async def test_bad_names_and_passwords_are_refused_before_any_sql(
    database: str, services: dict[str, str]
) -> None:
    with pytest.raises(ValueError, match=r"name|password|system database"):
        await provision("postgresql://nobody@127.0.0.1:1/postgres", database, services)


def test_the_verifier_has_postgres_scram_format() -> None:
    verifier = scram_sha256_verifier("secret-pw", salt=b"0123456789abcdef")

    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    assert method == "SCRAM-SHA-256"
    assert iterations_salt == "4096:MDEyMzQ1Njc4OWFiY2RlZg=="
    assert len(keys.split(":")) == 2
