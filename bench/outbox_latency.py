"""Outbox latency (commit to consumer effect, p50/p99) at a steady rate, and relay throughput.

    uv run --frozen python bench/outbox_latency.py [--rate 200] [--seconds 15] [--warmup 3]
        [--bulk 10000]

Uses BENCH_DATABASE_URL / BENCH_KAFKA_BOOTSTRAP_SERVERS when set, otherwise starts the
embedded PostgreSQL and Tansu. The consumer runs in its own process, as the consuming service would;
PostgreSQL, the broker, producer, relay and consumer all share this machine's two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

from clinic_contracts.envelope import EventEnvelope
from clinic_contracts.identity import ClinicCreated
from pydantic_settings import SettingsConfigDict
from servicekit.broker import make_broker
from servicekit.consumer import IdempotentConsumer
from servicekit.db import asyncpg_dsn, create_engine, service_metadata, session_factory
from servicekit.kafka_admin import ensure_topics
from servicekit.local.postgres import EmbeddedPostgres
from servicekit.local.processes import free_port
from servicekit.local.tansu import TansuBroker
from servicekit.outbox import Outbox
from servicekit.provision import provision
from servicekit.relay import OutboxRelay
from servicekit.settings import ServiceSettings
from sqlalchemy import Column, DateTime, Table, Uuid, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

SCHEMA = "bench"
metadata = service_metadata(SCHEMA)
outbox = Outbox(metadata, producer=SCHEMA)
effects = Table(
    "effects",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("applied_at", DateTime(timezone=True), server_default=func.clock_timestamp()),
)


class BenchSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BENCH_")
    service_name: ClassVar[str] = SCHEMA
    default_port: ClassVar[int] = 0


@contextlib.asynccontextmanager
async def servers() -> AsyncIterator[tuple[str, str]]:
    """Admin URL and bootstrap servers: from the environment, or embedded ones."""
    async with contextlib.AsyncExitStack() as stack:
        admin = os.environ.get("BENCH_DATABASE_URL")
        kafka = os.environ.get("BENCH_KAFKA_BOOTSTRAP_SERVERS")
        if not admin:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            postgres = await stack.enter_async_context(
                EmbeddedPostgres(folder / "postgres", free_port())
            )
            admin = postgres.admin_url
        if not kafka:
            broker = await stack.enter_async_context(TansuBroker(free_port()))
            kafka = broker.bootstrap_servers
        yield admin, kafka


async def consume(url: str, kafka: str, prefix: str, ready: Any) -> None:
    """The consuming service: its own process, as in a deployment."""
    engine = create_engine(url)
    settings = BenchSettings(
        database_url=url, kafka_bootstrap_servers=kafka, kafka_topic_prefix=prefix
    )

    async def apply(session: AsyncSession, envelope: EventEnvelope) -> None:
        await session.execute(insert(effects).values(event_id=envelope.event_id))

    broker = make_broker(settings, client_id="bench-consumer")
    IdempotentConsumer(
        broker, session_factory(engine), outbox, group="bench", topic_prefix=prefix
    ).subscribe({ClinicCreated.topic: apply})
    await broker.start()
    ready.set()
    await asyncio.Event().wait()


def run_consumer(url: str, kafka: str, prefix: str, ready: Any) -> None:
    asyncio.run(consume(url, kafka, prefix, ready))


async def percentiles(engine: Any, interval: str, ids: list[uuid.UUID]) -> tuple[float, float]:
    """p50 and p99 in ms of an interval between outbox and effect timestamps of `ids`."""
    sql = text(
        "SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY "
        f"extract(epoch FROM {interval}) * 1000) "
        "FROM bench.outbox o JOIN bench.effects e ON e.event_id = o.event_id "
        "WHERE o.event_id = ANY(:ids)"
    )
    async with engine.connect() as connection:
        p50, p99 = (await connection.execute(sql, {"ids": ids})).scalar_one()
    return float(p50), float(p99)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]


async def main(rate: int, seconds: int, warmup: int, bulk: int) -> None:
    async with servers() as (admin_url, kafka):
        url = (await provision(admin_url, "bench", {SCHEMA: secrets.token_urlsafe(16)}))[SCHEMA]
        engine = create_engine(url, pool_size=20)
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)
        sessions = session_factory(engine)
        settings = BenchSettings(
            database_url=url,
            kafka_bootstrap_servers=kafka,
            kafka_topic_prefix=f"bench{uuid.uuid4().hex[:6]}.",
        )
        topic = ClinicCreated.topic
        await ensure_topics(
            kafka, [(settings.topic(topic), 6), (settings.topic("clinic.deadletter.v1"), 1)]
        )
        committed: dict[uuid.UUID, float] = {}
        ready = multiprocessing.Event()
        consumer = multiprocessing.Process(
            target=run_consumer,
            args=(url, kafka, settings.kafka_topic_prefix, ready),
            daemon=True,
        )
        consumer.start()
        if not ready.wait(60):
            raise SystemExit("the consumer process did not start")
        relay_broker = make_broker(settings, client_id="bench-relay")
        await relay_broker.start()
        relay = OutboxRelay(
            outbox,
            sessions,
            relay_broker,
            dsn=asyncpg_dsn(url),
            topic_prefix=settings.kafka_topic_prefix,
        )
        async with sessions() as session, session.begin():
            await session.execute(outbox.lanes.insert(), [{"lane": n} for n in range(16)])
        relay_task = asyncio.create_task(relay.run())
        await asyncio.wait_for(relay.listening.wait(), 30)

        warming: dict[uuid.UUID, float] = {}

        async def stage_one(measured: bool) -> None:
            event = ClinicCreated(clinic_id=uuid.uuid4(), name="Bench", time_zone="UTC")
            async with sessions() as session, session.begin():
                envelope = await outbox.stage(session, event)
            (committed if measured else warming)[envelope.event_id] = time.time()

        # The first seconds warm connection pools and caches; they are not measured.
        warm = rate * warmup
        total = rate * seconds
        start = time.perf_counter()
        pending: set[asyncio.Task[None]] = set()
        for n in range(warm + total):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            task = asyncio.create_task(stage_one(n >= warm))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.gather(*pending)
        offered = (warm + total) / (time.perf_counter() - start)
        applied: dict[uuid.UUID, float] = {}
        deadline = time.monotonic() + 120
        while len(applied) < warm + total and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            async with engine.connect() as connection:
                rows = await connection.execute(
                    select(effects.c.event_id, func.extract("epoch", effects.c.applied_at))
                )
                applied = {row[0]: float(row[1]) for row in rows}
        latencies = [(applied[k] - committed[k]) * 1000 for k in committed if k in applied]
        print(
            f"latency commit -> consumer effect at {offered:.0f} events/s offered "
            f"(after a {warmup} s warm-up), "
            f"{len(latencies)}/{total} applied: p50 {percentile(latencies, 0.5):.1f} ms, "
            f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms"
        )
        ids = list(committed)
        relay_ms = await percentiles(engine, "o.published_at - o.created_at", ids)
        consumer_ms = await percentiles(engine, "e.applied_at - o.published_at", ids)
        print(
            f"  commit -> published by the relay: p50 {relay_ms[0]:.1f} ms, "
            f"p99 {relay_ms[1]:.1f} ms"
        )
        print(
            f"  published -> applied by the consumer: p50 {consumer_ms[0]:.1f} ms, "
            f"p99 {consumer_ms[1]:.1f} ms"
        )
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        for offset in range(0, bulk, 500):
            async with sessions() as session, session.begin():
                for _ in range(min(500, bulk - offset)):
                    await outbox.stage(
                        session, ClinicCreated(clinic_id=uuid.uuid4(), name="Bulk", time_zone="UTC")
                    )
        start = time.perf_counter()
        published = await relay.publish_pending()
        elapsed = time.perf_counter() - start
        print(
            f"relay throughput: {published} events in {elapsed:.2f} s = "
            f"{published / elapsed:.0f} events/s (batches of {relay.batch_size})"
        )
        await relay_broker.stop()
        consumer.terminate()
        consumer.join(10)
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--bulk", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.seconds, args.warmup, args.bulk))
