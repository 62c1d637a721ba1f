"""The LISTEN wake-up against the real PostgreSQL: woken by a commit, back after a lost
connection, and never failing its user when there is no database to listen to."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator

import pytest
from servicekit.db import asyncpg_dsn
from servicekit.testing import free_port
from servicekit.wakeup import Wakeup
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import wait_for

BOUND = 30.0  # seconds: how long a test waits for what it expects, even on a loaded machine
NEVER = 3600.0  # a wait only a notification can end within BOUND


@pytest.fixture
async def wakeup(kit_database_url: str) -> AsyncIterator[Wakeup]:
    """A wake-up listening on a channel of this test's own, with quick retries."""
    channel = f"kittest_wake_{secrets.token_hex(4)}"
    wakeup = Wakeup(asyncpg_dsn(kit_database_url), channel, first_retry=0.05)
    task = asyncio.create_task(wakeup.run())
    await asyncio.wait_for(wakeup.listening.wait(), BOUND)
    wakeup.event.clear()  # its catch-up call on listening
    yield wakeup
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def notify(sessions: async_sessionmaker[AsyncSession], channel: str) -> None:
    async with sessions() as session, session.begin():
        await session.execute(select(func.pg_notify(channel, "")))


async def test_a_commit_ends_a_wait(
    wakeup: Wakeup, sessions: async_sessionmaker[AsyncSession]
) -> None:
    waiting = asyncio.create_task(wakeup.wait(NEVER))
    await notify(sessions, wakeup.channel)

    await asyncio.wait_for(waiting, BOUND)
    assert not wakeup.event.is_set()  # cleared for the next wait


async def test_a_stop_ends_a_wait(wakeup: Wakeup) -> None:
    stop = asyncio.Event()
    waiting = asyncio.create_task(wakeup.wait(NEVER, stop))

    stop.set()
    await asyncio.wait_for(waiting, BOUND)


async def test_a_lost_connection_is_replaced_and_woken_again(
    wakeup: Wakeup, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async def listeners() -> list[int]:
        async with sessions() as session:
            query = text("SELECT pid FROM pg_stat_activity WHERE query = :listen")
            found = await session.scalars(query, {"listen": f'LISTEN "{wakeup.channel}"'})
            return list(found)

    [first] = await wait_for(listeners, BOUND)
    async with sessions() as session:  # as a server restart or an idle timeout would
        await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})

    async def replaced() -> bool:
        return wakeup.listening.is_set() and first not in await listeners()

    assert await wait_for(replaced, BOUND)
    waiting = asyncio.create_task(wakeup.wait(NEVER))
    await notify(sessions, wakeup.channel)
    await asyncio.wait_for(waiting, BOUND)


async def test_without_a_database_it_keeps_trying_and_waits_end_by_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    nowhere = Wakeup(f"postgresql://nobody@127.0.0.1:{free_port()}/none", "c", first_retry=0.01)
    with caplog.at_level(logging.WARNING, logger="servicekit.wakeup"):
        task = asyncio.create_task(nowhere.run())
        try:

            async def tried_twice() -> bool:
                return len(caplog.records) >= 2

            assert await wait_for(tried_twice, BOUND)
            await asyncio.wait_for(nowhere.wait(0.01), BOUND)  # the caller's poll goes on
            assert not task.done()
            assert not nowhere.listening.is_set()
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
