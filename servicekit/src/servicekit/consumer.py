"""Idempotent consumers: effect and processed event id commit together; offsets only after."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from uuid import UUID

from clinic_contracts.deadletter import DEAD_LETTER_TOPIC, DeadLetter, encode_dead_letter
from clinic_contracts.envelope import Event, EventEnvelope, decode
from clinic_contracts.registry import UnknownEventType, event_model, parse_event
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from servicekit.metrics import CONSUMER_MESSAGES, CONSUMER_RETRIES, DEAD_LETTERS
from servicekit.offsets import OffsetCommitter
from servicekit.outbox import Outbox

log = logging.getLogger(__name__)

# How long the broker may hold a fetch open waiting for data, and so how often an idle
# consumer asks again. Both brokers answer as soon as data arrives (Tansu within ~10 ms at
# 500; above 500 it answers 130-630 ms late), so this costs no latency; at 50 the fetches of
# an idle stack kept Tansu at 17% of a core (bench/idle_stack.py). Kafka's default.
FETCH_MAX_WAIT_MS = 500

Handler = Callable[[AsyncSession, Event, EventEnvelope], Awaitable[None]]
"""Applies one event, already validated into its contract model; the envelope has its metadata."""
UnknownHandler = Callable[[AsyncSession, EventEnvelope, str], Awaitable[object]]
"""Keeps an event (and its topic) of a type this code has no model for; most consumers skip."""
Effect = Callable[[AsyncSession], Awaitable[object]]

# Failures of the infrastructure, not of the message: never dead-letter for these, wait.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    ConnectionError,
    OSError,
    TimeoutError,
)


def is_known(envelope: EventEnvelope) -> bool:
    """Whether this code has a model for the envelope's event type and version."""
    try:
        event_model(envelope.event_type, envelope.schema_version)
    except UnknownEventType:
        return False
    return True


async def deliver(handler: Handler, session: AsyncSession, envelope: EventEnvelope) -> bool:
    """Apply an envelope through a handler as the consumer does; False for an unknown type.

    The payload is validated here, inside the consumer's attempt: one that does not fit its
    model fails every attempt and is dead-lettered with the reason.
    """
    if not is_known(envelope):
        return False
    await handler(session, parse_event(envelope), envelope)
    return True


class IdempotentConsumer:
    """One group member per process: applies each event at most once per consumer group.

    All topics of the consumer share one Kafka consumer, so a process joins its group once
    and the group spreads partitions over the service's replicas. Messages are applied one
    at a time, in order per partition (and so per aggregate).
    """

    def __init__(
        self,
        broker: KafkaBroker,
        sessions: async_sessionmaker[AsyncSession],
        outbox: Outbox,
        *,
        group: str,
        topic_prefix: str = "",
        max_attempts: int = 5,
        backoff: float = 0.2,
    ) -> None:
        self.broker = broker
        self.sessions = sessions
        self.processed = outbox.processed
        self.service = outbox.producer
        self.group = group
        self.topic_prefix = topic_prefix
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.offsets = OffsetCommitter()
        self.handlers: dict[str, Handler] = {}  # by topic; the lag sampler measures these
        self.on_unknown: UnknownHandler | None = None

    @property
    def topics(self) -> list[str]:
        return list(self.handlers)

    @property
    def kafka_group(self) -> str:
        """The group id on the broker: deployments sharing a cluster by prefix share no group."""
        return f"{self.topic_prefix}{self.group}"

    def subscribe(
        self, handlers: Mapping[str, Handler], *, on_unknown: UnknownHandler | None = None
    ) -> None:
        """Apply each topic's handler to every event on it, once, in order per aggregate.

        Called once, before the broker starts, with every topic of the consumer. An event of a
        type this code has no model for is newer than the code: it goes to `on_unknown` when
        given, and is otherwise skipped (counted with the outcome "skipped").
        """
        if self.handlers:
            raise RuntimeError(f"consumer group {self.group} is subscribed already")
        if not handlers:
            raise ValueError("subscribe to at least one topic")
        self.handlers = dict(handlers)
        self.on_unknown = on_unknown
        for topic in self.handlers:
            # Exported from the start: an alert on increase() misses a series that appears at 1.
            DEAD_LETTERS.labels(self.service, self.group, topic)
        # MANUAL: FastStream would otherwise commit the offset even when the handler failed.
        subscriber = self.broker.subscriber(
            *(f"{self.topic_prefix}{topic}" for topic in self.handlers),
            group_id=self.kafka_group,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.MANUAL,
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        )

        async def on_message(_: object) -> None:
            message: KafkaMessage = self.broker.context.get_local("message")
            topic = message.raw_message.topic.removeprefix(self.topic_prefix)  # type: ignore[union-attr]
            await self._handle(topic, self.handlers[topic], message)

        subscriber(on_message)

    async def _handle(self, topic: str, handler: Handler, message: KafkaMessage) -> None:
        try:
            await self._handle_once(topic, handler, message)
        except Exception as exc:
            # Only a failed dead-letter publish gets here: rewind, so the message is not lost.
            log.warning("could not dead-letter a message of %s (%s); redelivering", topic, exc)
            await asyncio.sleep(1.0)
            await message.nack()

    async def _handle_once(self, topic: str, handler: Handler, message: KafkaMessage) -> None:
        try:
            envelope = decode(message.body)
        except Exception as exc:  # undecodable now means undecodable forever
            await self._dead_letter(topic, message, exc, attempts=1, event_id=None)
            self.offsets.handled(message)
            return
        effect = self._effect(topic, handler, envelope)
        if effect is None:
            CONSUMER_MESSAGES.labels(self.service, self.group, topic, "skipped").inc()
            self.offsets.handled(message)
            return
        attempt = 0
        while True:
            attempt += 1
            try:
                outcome = await self._apply(effect, envelope)
            except TRANSIENT_ERRORS as exc:
                log.warning("transient failure on %s (%s); redelivering", topic, exc)
                await asyncio.sleep(min(self.backoff * 2**attempt, 5.0))
                await message.nack()
                return
            except Exception as exc:
                if attempt < self.max_attempts:
                    CONSUMER_RETRIES.labels(self.service, self.group, topic).inc()
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                log.exception(
                    "event %s failed %d times; dead-lettering", envelope.event_id, attempt
                )
                await self._dead_letter(topic, message, exc, attempt, envelope.event_id)
                outcome = "dead_lettered"
            CONSUMER_MESSAGES.labels(self.service, self.group, topic, outcome).inc()
            self.offsets.handled(message)
            return

    def _effect(self, topic: str, handler: Handler, envelope: EventEnvelope) -> Effect | None:
        """What applying the envelope does; None for an event of an unknown type, to skip."""
        if is_known(envelope):
            return lambda session: deliver(handler, session, envelope)
        on_unknown = self.on_unknown
        if on_unknown is None:
            return None
        return lambda session: on_unknown(session, envelope, topic)

    async def _apply(self, effect: Effect, envelope: EventEnvelope) -> str:
        async with self.sessions() as session, session.begin():
            claimed = await session.execute(
                insert(self.processed)
                .values(consumer_group=self.group, event_id=envelope.event_id)
                .on_conflict_do_nothing()
                .returning(self.processed.c.event_id)
            )
            if claimed.first() is None:
                return "duplicate"
            await effect(session)
        return "applied"

    async def _dead_letter(
        self,
        topic: str,
        message: KafkaMessage,
        error: BaseException,
        attempts: int,
        event_id: UUID | None,
    ) -> None:
        record = message.raw_message
        letter = DeadLetter(
            source_topic=topic,
            partition=getattr(record, "partition", 0),
            offset=getattr(record, "offset", 0),
            key=(getattr(record, "key", None) or b"").decode(errors="replace") or None,
            consumer_group=self.group,
            error_type=type(error).__name__,
            error_message=str(error)[:2000],
            attempts=attempts,
            failed_at=datetime.now(UTC),
            original_value=bytes(message.body).decode(errors="replace"),
            event_id=event_id,
        )
        # If this publish fails the exception propagates and the message is redelivered.
        await self.broker.publish(
            encode_dead_letter(letter),
            topic=f"{self.topic_prefix}{DEAD_LETTER_TOPIC}",
            key=getattr(record, "key", None),
        )
        DEAD_LETTERS.labels(self.service, self.group, topic).inc()
