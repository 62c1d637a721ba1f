"""FastStream Kafka broker factory and a connector that keeps trying while Kafka is away."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import REGISTRY

from servicekit.settings import CommonSettings
from servicekit.telemetry import configure_tracing

log = logging.getLogger(__name__)


def _never_auto_create_topics() -> None:
    """Make aiokafka's metadata lookups stop asking the broker to create missing topics.

    Topics are created explicitly with their declared partition counts. A lookup that
    auto-creates them (aiokafka always asks) races that after a broker restarts empty and
    leaves topics with the broker's default partition count, which Tansu then mishandles.
    """
    import aiokafka.client

    if getattr(aiokafka.client.MetadataRequest, "__name__", "") == "lookup_only":
        return
    original = aiokafka.client.MetadataRequest

    def lookup_only(topics: list[str] | None = None) -> object:
        return original(topics, allow_auto_topic_creation=False)

    aiokafka.client.MetadataRequest = lookup_only


_never_auto_create_topics()


def make_broker(settings: CommonSettings, *, client_id: str) -> KafkaBroker:
    """A broker whose producer idempotence follows the setting (off for Tansu, on for Kafka)."""
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=settings.kafka_enable_idempotence,
        request_timeout_ms=10_000,
        allow_auto_create_topics=False,
        # Notice recreated topics (a restarted broker) within seconds, not Kafka's 5 minutes.
        metadata_max_age_ms=15_000,
        graceful_timeout=10.0,
        logger=logging.getLogger(f"faststream.{client_id}"),
        log_level=logging.DEBUG,
        # Handlers take the message explicitly; FastStream's dependency injection would
        # resolve it in a worker thread for every message.
        apply_types=False,
        middlewares=(
            KafkaTelemetryMiddleware(tracer_provider=configure_tracing(client_id, None)),
            KafkaPrometheusMiddleware(registry=REGISTRY, app_name=client_id),
        ),
    )


class BrokerConnector:
    """Starts the broker in the background, retrying, so a service runs while Kafka is down."""

    def __init__(
        self,
        broker: KafkaBroker,
        *,
        prepare: Callable[[], Awaitable[None]] | None = None,
        max_backoff: float = 10.0,
    ) -> None:
        self.broker = broker
        self._prepare = prepare
        self.connected = asyncio.Event()
        self._max_backoff = max_backoff
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin connecting; returns at once."""
        self._task = asyncio.create_task(self._connect(), name="broker-connector")

    async def _connect(self) -> None:
        backoff = 0.5
        while True:
            try:
                if self._prepare is not None:
                    await self._prepare()
                await self.broker.start()
            except Exception as exc:
                log.warning("broker not reachable (%s); retrying in %.1fs", exc, backoff)
                await self.broker.stop()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
            else:
                self.connected.set()
                log.info("broker connected")
                return

    async def ping(self, timeout: float = 2.0) -> bool:
        """Whether the broker answers now."""
        if not self.connected.is_set():
            return False
        try:
            return await self.broker.ping(timeout=timeout)
        except Exception:
            return False

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop connecting and close the broker, giving up on the close after `timeout`."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        try:
            # aiokafka's close can wait forever on a sender that never wakes (seen with
            # Tansu); a stopping service must not hang on it.
            async with asyncio.timeout(timeout):
                await self.broker.stop()
        except TimeoutError:
            log.warning("the broker did not close within %.0f s; leaving it", timeout)
