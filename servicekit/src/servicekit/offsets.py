"""Offset commits for handled messages, batched per consumer instead of one per message."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiokafka import TopicPartition
from faststream.kafka.annotations import KafkaMessage

log = logging.getLogger(__name__)


class OffsetCommitter:
    """Commits explicit offsets of messages whose effect is committed, at most every interval.

    Committing the explicit next offset of a handled message is safe at any moment, even while
    later messages are in flight. Offsets not yet committed when a consumer stops or loses a
    partition only cause redelivery, which the processed-event table turns into a no-op.
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self._pending: dict[Any, dict[TopicPartition, int]] = {}
        self._flushes: dict[Any, asyncio.Task[None]] = {}

    def handled(self, message: KafkaMessage) -> None:
        """Record that `message`'s effect is committed; its offset follows shortly."""
        record = message.raw_message
        consumer = message.consumer
        partition = TopicPartition(record.topic, record.partition)  # type: ignore[union-attr]
        self._pending.setdefault(consumer, {})[partition] = record.offset + 1  # type: ignore[union-attr]
        flush = self._flushes.get(consumer)
        if flush is None or flush.done():
            self._flushes[consumer] = asyncio.create_task(self._flush_after(consumer))

    async def _flush_after(self, consumer: Any) -> None:
        await asyncio.sleep(self.interval)
        offsets = self._pending.pop(consumer, {})
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except Exception as exc:
            log.info(
                "offset commit failed (%s); those messages will be redelivered and "
                "skipped as duplicates",
                exc,
            )
