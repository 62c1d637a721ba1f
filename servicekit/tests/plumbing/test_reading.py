"""A reading session runs each statement on its own, with no BEGIN or COMMIT round trip, and
its pooled connection serves transactions again afterwards."""

from __future__ import annotations

from servicekit.db import reading
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

# The transaction id of the statement's transaction (PostgreSQL assigns one on request).
TXID = text("SELECT txid_current()")
PID = text("SELECT pg_backend_pid()")


async def test_each_statement_of_a_reading_session_is_its_own_transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async for session in reading(sessions):
        first = await session.scalar(TXID)
        second = await session.scalar(TXID)
    assert first != second


async def test_the_connection_is_transactional_again_for_the_next_session(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async for session in reading(sessions):
        reader = await session.scalar(PID)
    async with sessions() as session, session.begin():
        assert await session.scalar(PID) == reader  # the same pooled connection
        first = await session.scalar(TXID)
        second = await session.scalar(TXID)
    assert first == second
