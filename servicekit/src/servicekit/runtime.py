"""What a running service holds: engine, sessions, broker, outbox relay, token verifier."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import timedelta
from typing import Annotated, Any

from clinic_contracts.registry import TOPICS
from fastapi import Depends, Request
from faststream.kafka import KafkaBroker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from servicekit.auth import JwksVerifier
from servicekit.broker import BrokerConnector, make_broker
from servicekit.consumer import IdempotentConsumer
from servicekit.db import asyncpg_dsn, create_engine, reading, session_factory
from servicekit.kafka_admin import cluster_id, ensure_topics
from servicekit.lag import ConsumerLagSampler
from servicekit.outbox import Outbox
from servicekit.relay import OutboxRelay
from servicekit.revocation_feed import RevocationFeed
from servicekit.settings import OUTBOX_RETENTION_HOURS, ServiceSettings

log = logging.getLogger(__name__)

ConsumerSetup = Callable[["ServiceRuntime"], None]
JOB_STOP_SECONDS = 10.0


class ServiceRuntime:
    """Resources of one service process, opened and closed by the app's lifespan."""

    def __init__(self, settings: ServiceSettings, outbox: Outbox) -> None:
        self.settings = settings
        self.name = settings.service_name
        self.outbox = outbox
        self.engine: AsyncEngine = create_engine(
            settings.database_url.get_secret_value(),
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
        )
        self.sessions: async_sessionmaker[AsyncSession] = session_factory(self.engine)
        self.broker: KafkaBroker = make_broker(settings, client_id=self.name)
        self.connector = BrokerConnector(self.broker, prepare=self._ensure_topics)
        self.revocation_feed = RevocationFeed.from_settings(settings, client_id=self.name)
        self.revocations = self.revocation_feed.projection
        self.verifier = JwksVerifier(
            settings.jwks_url,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway=settings.jwt_leeway_seconds,
            revocations=self.revocations,
        )
        self.relay = OutboxRelay(
            self.outbox,
            self.sessions,
            self.broker,
            dsn=asyncpg_dsn(settings.database_url.get_secret_value()),
            topic_prefix=settings.kafka_topic_prefix,
            batch_size=settings.outbox_batch_size,
            poll_interval=settings.outbox_poll_interval_seconds,
            retention=timedelta(hours=OUTBOX_RETENTION_HOURS),
            recover=self._ensure_topics,
            cluster_id=functools.partial(cluster_id, settings.kafka_bootstrap_servers),
            replay_window=timedelta(seconds=settings.outbox_replay_window_seconds),
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._background: list[Callable[[ServiceRuntime], Coroutine[Any, Any, None]]] = []
        self._jobs: list[asyncio.Task[None]] = []
        self._consumers: list[IdempotentConsumer] = []
        self.stopping = asyncio.Event()

    def in_background(self, job: Callable[[ServiceRuntime], Coroutine[Any, Any, None]]) -> None:
        """Run `job(runtime)` while the runtime runs (register before start).

        A job returns soon after `stopping` is set; it is cancelled only if it has not within
        JOB_STOP_SECONDS, so a stop never interrupts its database work halfway.
        """
        self._background.append(job)

    def consumer(self, group_suffix: str = "") -> IdempotentConsumer:
        """An idempotent consumer in this service's consumer group (subscribe before start)."""
        group = f"{self.name}{'.' + group_suffix if group_suffix else ''}"
        consumer = IdempotentConsumer(
            self.broker,
            self.sessions,
            self.outbox,
            group=group,
            topic_prefix=self.settings.kafka_topic_prefix,
            max_attempts=self.settings.consumer_max_attempts,
            backoff=self.settings.consumer_retry_backoff_seconds,
        )
        self._consumers.append(consumer)
        return consumer

    async def _ensure_topics(self) -> None:
        # Subscribing to a missing topic would let the broker auto-create it with 1 partition.
        await ensure_topics(
            self.settings.kafka_bootstrap_servers,
            [(self.settings.topic(spec.name), spec.partitions) for spec in TOPICS],
            timeout=10.0,
        )

    async def start(self) -> None:
        """Connect to Kafka in the background, relay the outbox, follow token revocations."""
        self.connector.start()
        self._tasks.append(asyncio.create_task(self._relay(), name=f"{self.name}-relay"))
        feed = self.revocation_feed.run()
        self._tasks.append(asyncio.create_task(feed, name=f"{self.name}-revocations"))
        subscriptions = [(c.group, topic) for c in self._consumers for topic in c.topics]
        if subscriptions:
            sampler = ConsumerLagSampler(
                self.settings.kafka_bootstrap_servers,
                service=self.name,
                subscriptions=subscriptions,
                topic_prefix=self.settings.kafka_topic_prefix,
                interval=self.settings.consumer_lag_interval_seconds,
            )
            self._tasks.append(
                asyncio.create_task(self._sample_lag(sampler), name=f"{self.name}-lag")
            )
        for job in self._background:
            self._jobs.append(asyncio.create_task(job(self), name=f"{self.name}-{job.__name__}"))

    async def _relay(self) -> None:
        await self.connector.connected.wait()
        await self.relay.run()

    async def _sample_lag(self, sampler: ConsumerLagSampler) -> None:
        await self.connector.connected.wait()
        await sampler.run()

    async def stop(self) -> None:
        """Stop background jobs, relaying and consuming; close connections."""
        self.stopping.set()
        if self._jobs:
            await asyncio.wait(self._jobs, timeout=JOB_STOP_SECONDS)
        self._tasks += self._jobs
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            _, stuck = await asyncio.wait(self._tasks, timeout=JOB_STOP_SECONDS)
            for task in stuck:  # seen rarely in tests: say where, and do not hang on it
                trace = io.StringIO()
                task.print_stack(file=trace)
                log.warning("%s ignored cancellation:\n%s", task.get_name(), trace.getvalue())
        await self.connector.stop()
        await self.verifier.aclose()
        await self.engine.dispose()

    async def database_ready(self, timeout: float = 2.0) -> bool:
        """Whether the database answers now."""
        try:
            async with asyncio.timeout(timeout), self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return True
        except Exception as exc:
            log.warning("database not ready: %s", type(exc).__name__)
            return False


def runtime_of(request: Request) -> ServiceRuntime:
    """The runtime of the app serving this request."""
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for one request: committed when the route returns, rolled back if it raised."""
    async with runtime_of(request).sessions() as session, session.begin():
        yield session


async def request_reading(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for a request that only reads (`servicekit.db.reading`): no transaction."""
    async for session in reading(runtime_of(request).sessions):
        yield session


async def _runtime(request: Request) -> ServiceRuntime:
    # A coroutine, as every dependency here: FastAPI runs a plain `def` in a worker thread.
    return runtime_of(request)


Runtime = Annotated[ServiceRuntime, Depends(_runtime)]
# scope="function": commit before the response is sent, so a failed commit is a failed request.
SessionDep = Annotated[AsyncSession, Depends(request_session, scope="function")]
ReadingSessionDep = Annotated[AsyncSession, Depends(request_reading, scope="function")]


@contextlib.asynccontextmanager
async def running(runtime: ServiceRuntime) -> AsyncIterator[ServiceRuntime]:
    """Start and stop a runtime around a block."""
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()
