"""One command brings the system up; events flow from identity to reporting exactly once."""

from __future__ import annotations

import asyncio
import os
import signal

import httpx
import psutil
from servicekit.auth import Membership

from .conftest import SERVICES, Stack, create_clinics, query, wait_for_facts


async def test_every_service_and_the_gateway_answer_readyz(stack: Stack) -> None:
    async with httpx.AsyncClient() as client:
        for name in ("gateway", *SERVICES):
            response = await client.get(f"{stack.info()[name]['url']}/readyz")
            assert response.status_code == 200, (name, response.text)
            assert "server" not in response.headers, name  # uvicorn's banner is off
            assert response.headers["cache-control"] == "no-store", name
            metrics = await client.get(f"{stack.info()[name]['url']}/metrics")
            if name != "gateway":
                assert "http_requests_total" in metrics.text, name
        # The gateway's public port has no /metrics; Prometheus scrapes its metrics port.
        assert (await client.get(f"{stack.gateway}/metrics")).status_code == 404
        scraped = await client.get(stack.info()["gateway-metrics"]["url"])
        assert scraped.status_code == 200
        assert "gateway_upstream_responses_total" in scraped.text


async def test_a_clinic_created_through_the_gateway_reaches_reporting_once(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    ids = await create_clinics(gateway, stack, 10, "Flow")
    found = await wait_for_facts(stack, ids)
    assert sorted(found) == sorted(ids)
    [row] = await query(
        stack,
        "SELECT count(*) AS n FROM reporting.processed_events WHERE consumer_group = $1",
        "reporting",
    )
    assert row["n"] >= 10


async def test_rejected_requests_publish_nothing(stack: Stack, gateway: httpx.AsyncClient) -> None:
    before = await query(stack, "SELECT count(*) AS n FROM identity.outbox")
    forbidden = await gateway.post(
        "/v1/clinics",
        json={"name": "No", "time_zone": "UTC"},
        headers=stack.token(Membership("receptionist")),
    )
    invalid = await gateway.post(
        "/v1/clinics", json={"name": "No", "time_zone": "Nowhere/City"}, headers=stack.token()
    )
    unsigned = await gateway.post("/v1/clinics", json={"name": "No", "time_zone": "UTC"})
    assert (forbidden.status_code, invalid.status_code, unsigned.status_code) == (403, 422, 401)
    after = await query(stack, "SELECT count(*) AS n FROM identity.outbox")
    assert after[0]["n"] == before[0]["n"]


async def test_a_killed_consumer_restarts_and_applies_every_event_once(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    first = await create_clinics(gateway, stack, 20, "Before kill")
    stream = asyncio.create_task(create_clinics(gateway, stack, 40, "During kill"))
    await wait_for_facts(stack, first)
    victim = stack.pid("reporting")
    os.kill(victim, signal.SIGKILL)
    during = await stream
    ids = first + during

    found = await wait_for_facts(stack, ids, deadline=120)
    assert sorted(found) == sorted(ids)  # every event once: none lost, none doubled
    assert stack.pid("reporting") != victim
    assert psutil.pid_exists(stack.pid("reporting"))
    # The death was reported, not silently absorbed.
    assert f"reporting (pid {victim}) died with" in stack.log_tail()
