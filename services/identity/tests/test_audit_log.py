"""The audit log on PostgreSQL: appends form one chain under concurrency, the table refuses
changes, and verification finds an edited, a deleted and a reordered row (and says which)."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from identity.audit import repository
from identity.audit.chain import ChainReport
from identity.audit.service import record
from identity.audit.verify import verify_chain
from servicekit.db import asyncpg_dsn, create_engine, session_factory
from servicekit.testing.databases import CleanServiceDatabase
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

WRITERS = 24


@pytest.fixture
async def database_url(clean_service_database: CleanServiceDatabase) -> str:
    return str(await clean_service_database("identity"))


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url, pool_size=WRITERS + 2)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def admin_dsn(postgres_admin_url: str, database_url: str) -> str:
    """A superuser connection to the service's test database, for tampering."""
    return asyncpg_dsn(postgres_admin_url, make_url(database_url).database)


async def append(sessions: async_sessionmaker[AsyncSession], count: int) -> None:
    for n in range(count):
        async with sessions() as session, session.begin():
            await record(session, action="user.updated", details={"n": n})


async def report(sessions: async_sessionmaker[AsyncSession]) -> ChainReport:
    async with sessions() as session:
        return await verify_chain(session, batch_size=2)  # small batches cross batch edges


async def first_broken(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, str] | None:
    """(seq, reason) of the first broken link, or None when the chain is intact."""
    broken = (await report(sessions)).broken
    return None if broken is None else (broken.seq, broken.reason)


async def tamper(admin_dsn: str, sql: str) -> None:
    """Change rows as an attacker with superuser rights would: with triggers switched off."""
    connection = await asyncpg.connect(admin_dsn)
    try:
        async with connection.transaction():
            await connection.execute("SET LOCAL session_replication_role = replica")
            await connection.execute(sql)
    finally:
        await connection.close()


async def test_entries_hold_what_was_recorded_and_link_up(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    actor, clinic = uuid.uuid4(), uuid.uuid4()
    async with sessions() as session, session.begin():
        await record(
            session,
            action="auth.sign_in",
            outcome="failure",
            actor_id=actor,
            clinic_id=clinic,
            client_address="2001:db8::7",
            details={"reason": "wrong_password", "names": ["Zoë", "🙂", ""], "big": 2**62},
        )
    await append(sessions, 3)
    async with sessions() as session:
        rows = (
            await session.execute(text("SELECT * FROM identity.audit_events ORDER BY seq"))
        ).all()
    first = rows[0]
    assert (first.action, first.outcome, first.actor_id, first.clinic_id) == (
        "auth.sign_in",
        "failure",
        actor,
        clinic,
    )
    assert first.details["names"] == ["Zoë", "🙂", ""]
    assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]
    assert (await report(sessions)).entries == 4  # jsonb gave back what was hashed


async def test_a_rolled_back_append_leaves_a_gap_that_is_not_tampering(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await append(sessions, 1)
    async with sessions() as session:
        await session.begin()
        await record(session, action="user.updated")
        await session.rollback()
    await append(sessions, 1)
    async with sessions() as session:
        seqs = (await session.scalars(text("SELECT seq FROM identity.audit_events"))).all()
    assert sorted(seqs) == [1, 3]
    assert (await report(sessions)).intact


async def test_concurrent_transactions_append_one_chain(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    everyone_open = asyncio.Barrier(WRITERS)

    async def writer(n: int) -> None:
        async with sessions() as session, session.begin():
            await session.execute(text("SELECT 1"))  # the transaction has begun
            await everyone_open.wait()
            await record(session, action="auth.sign_in", details={"writer": n})

    await asyncio.gather(*(writer(n) for n in range(WRITERS)))
    result = await report(sessions)
    assert result.intact
    assert result.entries == WRITERS


async def test_without_the_lock_concurrent_appends_would_fork_the_chain(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control for the test above: it would catch a missing lock."""
    read_head = repository.chain_head
    all_read = asyncio.Barrier(3)

    async def no_lock(session: AsyncSession) -> str:
        return "read committed"

    async def slow_head(session: AsyncSession) -> tuple[int, str]:
        head = await read_head(session)
        await all_read.wait()
        return head

    monkeypatch.setattr(repository, "lock_chain", no_lock)
    monkeypatch.setattr(repository, "chain_head", slow_head)
    await asyncio.gather(*(append(sessions, 1) for _ in range(3)))
    assert await first_broken(sessions) == (2, "unlinked")


async def test_appending_outside_read_committed_is_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        with pytest.raises(RuntimeError, match="READ COMMITTED"):
            await record(session, action="user.updated")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE identity.audit_events SET outcome = 'success'",
        "DELETE FROM identity.audit_events",
        "TRUNCATE identity.audit_events",
    ],
)
async def test_the_service_role_cannot_change_or_remove_entries(
    sessions: async_sessionmaker[AsyncSession], sql: str
) -> None:
    await append(sessions, 2)
    async with sessions() as session, session.begin():
        with pytest.raises(DBAPIError, match="permission denied"):
            await session.execute(text(sql))
    assert (await report(sessions)).entries == 2


@pytest.mark.parametrize(
    "sql",
    ["UPDATE identity.audit_events SET outcome = 'success'", "DELETE FROM identity.audit_events"],
)
async def test_the_trigger_refuses_changes_even_from_a_superuser(
    sessions: async_sessionmaker[AsyncSession], admin_dsn: str, sql: str
) -> None:
    await append(sessions, 2)
    connection = await asyncpg.connect(admin_dsn)
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await connection.execute(sql)
    finally:
        await connection.close()


async def test_an_edited_row_is_reported_at_its_seq(
    sessions: async_sessionmaker[AsyncSession], admin_dsn: str
) -> None:
    await append(sessions, 5)
    await tamper(
        admin_dsn, """UPDATE identity.audit_events SET details = '{"n": 99}' WHERE seq = 3"""
    )
    assert await first_broken(sessions) == (3, "edited")


async def test_a_deleted_row_is_reported_at_the_next_seq(
    sessions: async_sessionmaker[AsyncSession], admin_dsn: str
) -> None:
    await append(sessions, 5)
    await tamper(admin_dsn, "DELETE FROM identity.audit_events WHERE seq = 3")
    assert await first_broken(sessions) == (4, "unlinked")


async def test_deleting_the_first_row_is_reported(
    sessions: async_sessionmaker[AsyncSession], admin_dsn: str
) -> None:
    await append(sessions, 3)
    await tamper(admin_dsn, "DELETE FROM identity.audit_events WHERE seq = 1")
    assert await first_broken(sessions) == (2, "unlinked")


SWAP_2_AND_4 = """
UPDATE identity.audit_events AS a SET
    occurred_at = b.occurred_at, action = b.action, outcome = b.outcome,
    actor_id = b.actor_id, subject_id = b.subject_id, clinic_id = b.clinic_id,
    client_address = b.client_address, details = b.details,
    prev_hash = b.prev_hash, hash = b.hash
FROM identity.audit_events AS b
WHERE (a.seq, b.seq) IN ((2, 4), (4, 2))
"""


async def test_reordered_rows_are_reported_at_the_earlier_seq(
    sessions: async_sessionmaker[AsyncSession], admin_dsn: str
) -> None:
    await append(sessions, 5)
    await tamper(admin_dsn, SWAP_2_AND_4)
    assert await first_broken(sessions) == (2, "unlinked")


async def run_verify_command(database_url: str) -> tuple[int, str]:
    env = {**os.environ, "IDENTITY_DATABASE_URL": database_url, "ENVIRONMENT": "development"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "identity",
        "verify-audit",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_the_command_exits_0_when_intact_printing_the_newest_entry(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    await append(sessions, 4)
    newest = (await report(sessions)).newest_hash
    assert await run_verify_command(database_url) == (
        0,
        f"audit chain intact: 4 entries\nnewest entry: seq 4, hash {newest}\n",
    )


async def test_the_command_exits_1_at_the_first_broken_link(
    sessions: async_sessionmaker[AsyncSession], database_url: str, admin_dsn: str
) -> None:
    await append(sessions, 4)
    await tamper(admin_dsn, "DELETE FROM identity.audit_events WHERE seq = 2")
    code, output = await run_verify_command(database_url)
    assert code == 1
    assert output.startswith("audit chain broken at seq 3 (unlinked): prev_hash does not match")


async def test_an_empty_log_is_intact(database_url: str) -> None:
    assert await run_verify_command(database_url) == (0, "audit chain intact: 0 entries\n")


async def test_the_command_exits_2_when_it_cannot_read_the_log(database_url: str) -> None:
    unreachable = make_url(database_url).set(host="127.0.0.1", port=9)  # discard: refused
    code, output = await run_verify_command(unreachable.render_as_string(hide_password=False))
    assert code == 2
    assert output.startswith("audit chain not verified:")
