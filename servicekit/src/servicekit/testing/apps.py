"""Run a service app in-process (lifespan included) and talk to it over ASGI."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def running_app(
    app: FastAPI, base_url: str = "http://test"
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan started (database, broker, relay, consumers) and a client."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


@asynccontextmanager
async def serving(
    app: FastAPI, verifier: Any = None, stop_within: float = 30.0
) -> AsyncIterator[FastAPI]:
    """The app with its lifespan started (and `verifier` for tokens, if given).

    A shutdown that takes longer than `stop_within` fails with every asyncio task's stack on
    stderr, so a stall shows where it is instead of waiting for pytest's timeout.
    """
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    if verifier is not None:
        app.state.verifier = verifier
    try:
        yield app
    finally:
        try:
            async with asyncio.timeout(stop_within):
                await lifespan.__aexit__(None, None, None)
        except TimeoutError:
            for task in asyncio.all_tasks():
                task.print_stack(file=sys.stderr)
            raise


async def wait_ready(client: httpx.AsyncClient, deadline: float = 60.0) -> httpx.Response:
    """Poll /readyz until it answers 200 (the broker connects in the background)."""
    end = time.monotonic() + deadline
    while True:
        response = await client.get("/readyz")
        if response.status_code == 200 or time.monotonic() > end:
            return response
        await asyncio.sleep(0.2)


async def check_ready_with_real_servers(app: FastAPI) -> None:
    """The app is alive, becomes ready against real servers, and exports plumbing metrics."""
    async with running_app(app) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await wait_ready(client)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok", "revocations": "ok"}
        assert "outbox_pending_events" in (await client.get("/metrics")).text


async def check_not_ready_without_database(app: FastAPI) -> None:
    """An unreachable database makes /readyz a 503 problem naming it."""
    async with running_app(app) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["checks"]["database"] == "unreachable"


async def staged_events(runtime: Any, *event_types: str) -> list[dict[str, Any]]:
    """Payloads (with `event_type`) a service staged in its outbox, oldest first; only these
    types when some are named. A service's `staged` fixture is this, bound to its runtime."""
    from sqlalchemy import select

    table = runtime.outbox.table
    query = select(table.c.envelope).order_by(table.c.id)
    if event_types:
        query = query.where(table.c.event_type.in_(event_types))
    async with runtime.sessions() as session:
        return [
            {"event_type": row["event_type"], **row["payload"]}
            for row in (await session.scalars(query)).all()
        ]
