"""The broker stopped and restarted mid-stream: the outbox holds events, none lost or doubled.

The stack runs against a Tansu broker this test owns (KAFKA_BOOTSTRAP_SERVERS), so the test
decides how long the outage lasts. Tansu keeps messages in memory: a restarted Tansu is empty,
so events are first allowed to reach reporting; what the test shows is that events committed
while the broker is away wait in the outbox and arrive exactly once after it returns. Tansu
also acknowledges writes to topics that do not exist, so the broker comes back only once the
relay has seen the outage (its failure counter moved): the relay then recreates the topics
before it publishes again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from servicekit.local.processes import free_port
from servicekit.local.tansu import TansuBroker

from .conftest import Stack, create_clinics, query, wait_for_facts


@pytest.fixture(scope="module")
def broker() -> Iterator[TansuBroker]:
    broker = TansuBroker(free_port())
    asyncio.run(broker.start())
    yield broker
    asyncio.run(broker.stop())


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, broker: TansuBroker) -> Iterator[Stack]:
    stack = Stack(
        tmp_path_factory.mktemp("outage") / "state",
        # An external broker is assumed to be Apache Kafka; Tansu has no idempotent producers.
        {"KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers, "KAFKA_ENABLE_IDEMPOTENCE": "false"},
        demo=False,  # its clinics are its own
    )
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
async def gateway(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as client:
        yield client


async def pending_in_outbox(stack: Stack) -> int:
    rows = await query(
        stack, "SELECT count(*) AS n FROM identity.outbox WHERE published_at IS NULL"
    )
    return int(rows[0]["n"])


async def wait_for_relay_failure(stack: Stack, deadline: float = 60.0) -> None:
    url = f"{stack.info()['identity']['url']}/metrics"
    end = asyncio.get_running_loop().time() + deadline
    async with httpx.AsyncClient() as client:
        while asyncio.get_running_loop().time() < end:
            for line in (await client.get(url)).text.splitlines():
                if line.startswith("outbox_publish_failures_total{") and float(line.split()[-1]):
                    return
            await asyncio.sleep(0.5)
    raise AssertionError("the relay never noticed the broker was down")


async def test_events_wait_in_the_outbox_while_the_broker_is_down(
    stack: Stack, gateway: httpx.AsyncClient, broker: TansuBroker
) -> None:
    before = await create_clinics(gateway, stack, 15, "Before outage")
    assert sorted(await wait_for_facts(stack, before)) == sorted(before)

    await broker.stop()
    during = await create_clinics(gateway, stack, 15, "During outage")
    # The requests succeeded and their events are committed, waiting for the broker.
    assert await pending_in_outbox(stack) >= 15
    readiness = await gateway.get(f"{stack.info()['identity']['url']}/readyz")
    assert readiness.status_code == 503
    assert readiness.json()["checks"]["broker"] == "unreachable"

    await wait_for_relay_failure(stack)
    await broker.start()
    after = await create_clinics(gateway, stack, 15, "After outage")
    ids = before + during + after
    found = await wait_for_facts(stack, ids, deadline=120)
    assert sorted(found) == sorted(ids)  # each applied once
    assert await pending_in_outbox(stack) == 0
