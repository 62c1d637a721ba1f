"""run_in_transaction on a real PostgreSQL: real deadlocks and serialization failures are run
again in a fresh transaction; other errors are not; a unit of work that never gets through,
or gets no pooled connection in time, is a 503 problem+json with Retry-After, not a 500."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI
from servicekit.db import create_engine, session_factory
from servicekit.problems import install_problem_handlers
from servicekit.transactions import (
    TRANSACTION_RETRIES,
    TRANSACTIONS_BUSY,
    Busy,
    RetryPolicy,
    Transactions,
    retry_reason,
    run_in_transaction,
)
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import SCHEMA

FAST = RetryPolicy(attempts=3, first_delay=0.001, max_delay=0.005)
SERVICE = "kittest-transactions"
DEADLINE_SECONDS = 60.0


def retries(reason: str) -> float:
    return float(TRANSACTION_RETRIES.labels(SERVICE, reason)._value.get())


async def ledger_rows(sessions: async_sessionmaker[AsyncSession], *notes: str) -> list[int]:
    async with sessions() as session, session.begin():
        ids = []
        for note in notes:
            row = await session.execute(
                text(f"INSERT INTO {SCHEMA}.ledger (event_id, note) VALUES (:e, :n) RETURNING id"),
                {"e": uuid.uuid4(), "n": note},
            )
            ids.append(int(row.scalar_one()))
        return ids


async def note_of(sessions: async_sessionmaker[AsyncSession], row_id: int) -> str:
    async with sessions() as session:
        found = await session.scalar(
            text(f"SELECT note FROM {SCHEMA}.ledger WHERE id = :id"), {"id": row_id}
        )
        return str(found)


async def set_note(session: AsyncSession, row_id: int, note: str) -> None:
    await session.execute(
        text(f"UPDATE {SCHEMA}.ledger SET note = :n WHERE id = :id"), {"n": note, "id": row_id}
    )


async def test_two_transactions_locking_in_opposite_order_both_get_through(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first, second = await ledger_rows(sessions, "first", "second")
    locked = {first: asyncio.Event(), second: asyncio.Event()}
    attempts: list[str] = []
    before = retries("deadlock")

    def crosswise(name: str, mine: int, theirs: int) -> Callable[[AsyncSession], Awaitable[str]]:
        async def work(session: AsyncSession) -> str:
            attempts.append(name)
            await set_note(session, mine, f"{name} was here")
            locked[mine].set()
            await locked[theirs].wait()  # both hold one row: each now waits for the other's
            await set_note(session, theirs, f"{name} was here")
            return name

        return work

    winners = await asyncio.wait_for(
        asyncio.gather(
            run_in_transaction(
                sessions, crosswise("a", first, second), service=SERVICE, policy=FAST
            ),
            run_in_transaction(
                sessions, crosswise("b", second, first), service=SERVICE, policy=FAST
            ),
        ),
        DEADLINE_SECONDS,
    )

    assert list(winners) == ["a", "b"]
    # PostgreSQL ended exactly one of them; it ran again once the other had committed.
    assert sorted(attempts) in (["a", "a", "b"], ["a", "b", "b"])
    assert retries("deadlock") == before + 1
    last = attempts[-1]
    assert await note_of(sessions, first) == await note_of(sessions, second) == f"{last} was here"


async def test_a_serialization_failure_is_run_again_on_a_fresh_snapshot(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    [row] = await ledger_rows(sessions, "0")
    seen: list[str] = []
    read_once = asyncio.Event()
    before = retries("serialization")

    async def increment(session: AsyncSession) -> None:
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        value = await session.scalar(
            text(f"SELECT note FROM {SCHEMA}.ledger WHERE id = :id"), {"id": row}
        )
        seen.append(str(value))
        if not read_once.is_set():
            read_once.set()
            async with sessions() as other, other.begin():  # commits under our snapshot
                await set_note(other, row, "10")
        await set_note(session, row, str(int(str(value)) + 1))

    await run_in_transaction(sessions, increment, service=SERVICE, policy=FAST)

    assert seen == ["0", "10"]  # the second attempt read the committed value
    assert await note_of(sessions, row) == "11"
    assert retries("serialization") == before + 1


async def test_other_errors_are_not_run_again(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    [row] = await ledger_rows(sessions, "kept")
    calls = 0

    async def duplicate_key(session: AsyncSession) -> None:
        nonlocal calls
        calls += 1
        await set_note(session, row, "changed")
        await session.execute(
            text(f"INSERT INTO {SCHEMA}.ledger (id, event_id, note) VALUES (:id, :e, 'x')"),
            {"id": row, "e": uuid.uuid4()},
        )

    with pytest.raises(IntegrityError):
        await run_in_transaction(sessions, duplicate_key, service=SERVICE, policy=FAST)

    assert calls == 1
    assert await note_of(sessions, row) == "kept"  # rolled back


# A real serialization failure (SQLSTATE 40001) raised by the server on every attempt.
ALWAYS_FAILS = "DO $$ BEGIN RAISE EXCEPTION 'concurrent update' USING ERRCODE = '40001'; END $$"


def busy_app(sessions: async_sessionmaker[AsyncSession], calls: list[int]) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    async def never_serializable(session: AsyncSession) -> dict[str, str]:
        calls.append(1)
        await session.execute(text(ALWAYS_FAILS))
        return {"never": "reached"}

    @app.post("/work")
    async def work() -> dict[str, str]:
        return await run_in_transaction(sessions, never_serializable, service=SERVICE, policy=FAST)

    return app


async def test_giving_up_is_a_503_with_retry_after_not_a_500(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    calls: list[int] = []
    transport = httpx.ASGITransport(app=busy_app(sessions, calls))
    async with httpx.AsyncClient(transport=transport, base_url="http://kit.test") as client:
        response = await client.post("/work")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert response.json()["type"] == "urn:clinic:problem:busy"
    assert len(calls) == FAST.attempts


async def test_no_free_connection_in_time_is_busy_at_once(kit_database_url: str) -> None:
    engine = create_engine(kit_database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    sessions = session_factory(engine)
    calls: list[int] = []

    async def work(session: AsyncSession) -> None:
        calls.append(1)
        await session.execute(text("SELECT 1"))

    before = TRANSACTIONS_BUSY.labels(SERVICE, "pool_timeout")._value.get()
    try:
        async with engine.connect() as the_only_connection:
            await the_only_connection.execute(text("SELECT 1"))
            with pytest.raises(Busy) as refused:
                await run_in_transaction(sessions, work, service=SERVICE, policy=FAST)
    finally:
        await engine.dispose()

    assert refused.value.status == 503
    assert refused.value.headers == {"Retry-After": "1"}
    assert calls == [1]  # not run again: the pool is saturated
    assert TRANSACTIONS_BUSY.labels(SERVICE, "pool_timeout")._value.get() == before + 1


async def test_the_reason_is_found_through_sqlalchemys_wrapper(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(DBAPIError) as wrapped:
        async with sessions() as session, session.begin():
            await session.execute(text(ALWAYS_FAILS))

    assert retry_reason(wrapped.value) == "serialization"
    assert retry_reason(Busy("not again")) is None
    assert retry_reason(ValueError("40001")) is None


async def test_autocommitted_work_commits_each_statement_as_it_runs(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    tx = Transactions(sessions, SERVICE, FAST)
    [row] = await ledger_rows(sessions, "before")

    async def noted_then_failing(session: AsyncSession) -> None:
        await set_note(session, row, "committed on its own")
        raise ValueError("after the statement")

    with pytest.raises(ValueError, match="after the statement"):
        await tx.autocommitted(noted_then_failing)
    assert await note_of(sessions, row) == "committed on its own"


async def test_autocommitted_work_gives_way_after_a_serialization_failure(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    tx = Transactions(sessions, SERVICE, FAST)
    calls: list[int] = []

    async def never_serializable(session: AsyncSession) -> str:
        calls.append(1)
        await session.execute(text(ALWAYS_FAILS))
        return "never reached"

    assert await tx.autocommitted(never_serializable) is None
    assert calls == [1]  # not run again here: the caller's transaction retries


async def test_autocommitted_work_without_a_free_connection_is_busy(
    kit_database_url: str,
) -> None:
    engine = create_engine(kit_database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    tx = Transactions(session_factory(engine), SERVICE, FAST)

    async def work(session: AsyncSession) -> str:
        return "never reached"

    try:
        async with engine.connect() as the_only_connection:
            await the_only_connection.execute(text("SELECT 1"))
            with pytest.raises(Busy) as refused:
                await tx.autocommitted(work)
    finally:
        await engine.dispose()
    assert refused.value.headers == {"Retry-After": "1"}
