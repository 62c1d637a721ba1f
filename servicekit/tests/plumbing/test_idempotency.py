"""Idempotency-Key on a real PostgreSQL: a retried write replays, never runs twice."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable
from types import SimpleNamespace
from typing import Annotated, Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from fastapi import Depends, FastAPI, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from servicekit.auth import Principal
from servicekit.db import create_engine, service_metadata, session_factory
from servicekit.idempotency import (
    IdempotencyKeys,
    IdempotentRequest,
    idempotency_dependency,
    request_hash,
)
from servicekit.migrations import create_idempotency_table_v1
from servicekit.problems import Conflict, install_problem_handlers
from servicekit.runtime import SessionDep
from servicekit.testing import ServiceDatabases
from sqlalchemy import Column, Integer, MetaData, Table, Text, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

SCHEMA = "idemtest"
metadata = service_metadata(SCHEMA)
keys = IdempotencyKeys(metadata)
# A deliberately non-idempotent effect: each run adds a row.
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("text", Text, nullable=False),
)
Idempotent = Annotated[IdempotentRequest, Depends(idempotency_dependency(keys))]


def migrate(connection: Connection) -> None:
    """The idempotency table by its Alembic helper (as a service's revision would), notes as is."""
    with Operations.context(MigrationContext.configure(connection)):
        create_idempotency_table_v1(SCHEMA)
    metadata.create_all(connection, tables=[notes])


async def migrate_kit(service: str, url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(migrate)
    await engine.dispose()


@pytest.fixture
async def engine(service_database: ServiceDatabases) -> AsyncIterator[AsyncEngine]:
    url = await service_database(SCHEMA, migrate_kit)
    await service_database.truncate(SCHEMA, ())
    engine = create_engine(url, pool_size=25)
    yield engine
    await engine.dispose()


class NoteIn(BaseModel):
    text: str


class NoteOut(BaseModel):
    id: int
    text: str


def caller_of(x_user: Annotated[uuid.UUID | None, Header()] = None) -> Principal | None:
    return Principal(user_id=x_user) if x_user else None


@pytest.fixture
def runs() -> dict[str, int]:
    return {"count": 0, "fail": 0}


@pytest.fixture
async def client(engine: AsyncEngine, runs: dict[str, int]) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.runtime = SimpleNamespace(sessions=session_factory(engine))

    async def add_note(session: AsyncSession, data: NoteIn) -> dict[str, Any]:
        runs["count"] += 1
        row = (await session.execute(insert(notes).values(text=data.text).returning(notes))).one()
        await asyncio.sleep(0.05)  # widen the window for concurrent retries
        if runs["fail"]:
            runs["fail"] -= 1
            raise Conflict("Not this time.")
        return {**row._mapping, "internal": "not in the response model"}

    @app.post("/v1/notes", status_code=201, response_model=NoteOut)
    async def create_note(
        data: NoteIn,
        session: SessionDep,
        caller: Annotated[Principal | None, Depends(caller_of)],
        once: Idempotent,
    ) -> JSONResponse:
        return await once.run(
            session,
            caller,
            lambda: add_note(session, data),
            location=lambda note: f"/v1/notes/{note['id']}",
        )

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        yield client


async def note_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(notes)) or 0)


def post(
    client: httpx.AsyncClient,
    key: str | bytes | None,
    text: str = "hello",
    user: uuid.UUID | None = None,
) -> Awaitable[httpx.Response]:
    headers: dict[bytes, bytes] = {}
    if key is not None:
        headers[b"Idempotency-Key"] = key if isinstance(key, bytes) else key.encode()
    if user:
        headers[b"X-User"] = str(user).encode()
    return client.post("/v1/notes", json={"text": text}, headers=headers)


async def test_a_retry_replays_the_first_answer_without_running_again(
    client: httpx.AsyncClient, engine: AsyncEngine, runs: dict[str, int]
) -> None:
    first = await post(client, "k-1")
    again = await post(client, "k-1")

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() == {"id": 1, "text": "hello"}  # through response_model
    assert first.headers["Location"] == again.headers["Location"] == "/v1/notes/1"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert runs["count"] == 1
    assert await note_count(engine) == 1


async def test_the_same_key_for_a_different_request_is_a_422_problem(
    client: httpx.AsyncClient, engine: AsyncEngine, runs: dict[str, int]
) -> None:
    assert (await post(client, "k-1", "hello")).status_code == 201
    reused = await post(client, "k-1", "bonjour")

    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    assert reused.json()["type"] == "urn:clinic:problem:idempotency-key-reused"
    assert "different request" in reused.json()["detail"]
    assert (await post(client, "k-1", "hello")).headers["Idempotent-Replayed"] == "true"
    assert runs["count"] == 1


async def test_keys_belong_to_their_caller(
    client: httpx.AsyncClient, engine: AsyncEngine, runs: dict[str, int]
) -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    answers = [await post(client, "shared", user=user) for user in (alice, bob, None)]

    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.json()["id"] for a in answers}) == 3
    assert not any("Idempotent-Replayed" in a.headers for a in answers)
    assert (await post(client, "shared", user=bob)).json() == answers[1].json()
    assert runs["count"] == 3


async def test_without_a_key_every_request_runs(
    client: httpx.AsyncClient, engine: AsyncEngine, runs: dict[str, int]
) -> None:
    answers = [await post(client, None) for _ in range(3)]

    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.headers["Location"] for a in answers] == [f"/v1/notes/{i}" for i in (1, 2, 3)]
    assert runs["count"] == 3


async def test_a_failed_attempt_leaves_the_key_free(
    client: httpx.AsyncClient, engine: AsyncEngine, runs: dict[str, int]
) -> None:
    runs["fail"] = 1
    failed = await post(client, "k-1")
    retried = await post(client, "k-1")

    assert failed.status_code == 409
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert runs["count"] == 2
    assert await note_count(engine) == 1  # the failed attempt's effect rolled back with it


async def test_concurrent_retries_run_the_work_exactly_once(
    client: httpx.AsyncClient, engine: AsyncEngine, runs: dict[str, int]
) -> None:
    answers = await asyncio.gather(*(post(client, "burst") for _ in range(20)))

    assert {a.status_code for a in answers} == {201}
    assert len({a.text for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 19
    assert runs["count"] == 1
    assert await note_count(engine) == 1


@pytest.mark.parametrize("key", ["", "has space", "a\tb", "x" * 256, "caf\u00e9".encode(), '""'])
async def test_an_invalid_key_is_a_400_problem(
    client: httpx.AsyncClient, engine: AsyncEngine, runs: dict[str, int], key: str | bytes
) -> None:
    answer = await post(client, key)

    assert answer.status_code == 400
    assert answer.json()["type"] == "urn:clinic:problem:bad-idempotency-key"
    assert runs["count"] == 0


async def test_a_quoted_key_is_the_same_key_and_255_characters_are_fine(
    client: httpx.AsyncClient, engine: AsyncEngine, runs: dict[str, int]
) -> None:
    long = "k" * 255
    assert (await post(client, long)).status_code == 201
    assert (await post(client, f'"{long}"')).headers["Idempotent-Replayed"] == "true"
    assert runs["count"] == 1


async def test_an_expired_key_runs_again_and_purge_removes_old_keys(
    client: httpx.AsyncClient, engine: AsyncEngine, runs: dict[str, int]
) -> None:
    await post(client, "old")
    await post(client, "fresh")
    async with engine.begin() as connection:
        await connection.execute(
            text(
                f"UPDATE {SCHEMA}.idempotency_keys SET created_at = now() - interval '25 hours' "
                "WHERE key = 'old'"
            )
        )

    rerun = await post(client, "old")
    assert rerun.status_code == 201
    assert "Idempotent-Replayed" not in rerun.headers
    assert rerun.json()["id"] == 3
    assert runs["count"] == 3
    assert (await post(client, "old")).json()["id"] == 3  # the new answer is remembered

    async with engine.begin() as connection:
        await connection.execute(
            text(f"UPDATE {SCHEMA}.idempotency_keys SET created_at = now() - interval '25 hours'")
        )
        await connection.execute(
            text(f"UPDATE {SCHEMA}.idempotency_keys SET created_at = now() WHERE key = 'fresh'")
        )
    async with session_factory(engine)() as session, session.begin():
        assert await keys.purge_expired(session) == 1
        remaining = await session.scalars(select(keys.table.c.key))
        assert list(remaining) == ["fresh"]


def test_the_request_hash_ignores_query_order_but_not_the_body() -> None:
    base = request_hash("POST", "/v1/notes", "b=2&a=1", b"{}")

    assert base == request_hash("POST", "/v1/notes", "a=1&b=2", b"{}")
    assert base != request_hash("POST", "/v1/notes", "a=1&b=2", b"{ }")
    assert base != request_hash("PUT", "/v1/notes", "a=1&b=2", b"{}")
    assert base != request_hash("POST", "/v1/notes/", "a=1&b=2", b"{}")


async def test_the_migration_creates_what_the_table_declares(engine: AsyncEngine) -> None:
    # Alembic compares the connection's default schema (idemtest) with schema-less tables.
    declared = MetaData()
    # Documented (None: the target MetaData's schema, here none), but typed as str only.
    keys.table.to_metadata(declared, schema=None)  # type: ignore[arg-type]

    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_name": lambda name, kind, _: kind != "table" or name == "idempotency_keys",
                "compare_type": True,
                "compare_server_default": True,
            },
        )
        return list(compare_metadata(context, declared))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []
