"""A pooled connection the server closed is replaced when taken, without a ping round trip."""

from __future__ import annotations

import asyncio

from servicekit.db import create_engine
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from .conftest import wait_for

PID = text("SELECT pg_backend_pid()")


async def test_a_connection_the_server_closed_is_not_handed_out(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        first = (await connection.execute(PID)).scalar_one()
    # As a restart or a failover would, from outside the pool that holds `first` idle.
    outside = create_engine(engine.url.render_as_string(hide_password=False), pool_size=1)
    try:
        async with outside.connect() as other:
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})

        async def gone() -> bool:
            async with outside.connect() as watcher:
                query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
                return bool((await watcher.execute(query, {"pid": first})).scalar_one() == 0)

        assert await wait_for(gone)
    finally:
        await outside.dispose()
    await asyncio.sleep(0.05)  # the closed socket's end reaches asyncpg's protocol

    async with engine.connect() as connection:
        again = (await connection.execute(PID)).scalar_one()
    assert again != first
