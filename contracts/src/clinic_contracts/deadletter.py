"""The message a consumer publishes, as-is (no envelope), when it gives up on a message."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from clinic_contracts.envelope import to_utc

DEAD_LETTER_TOPIC = "clinic.deadletter.v1"

# Kafka's default message size is 1 MB and the original value already counts against it.
_MAX_ERROR_MESSAGE = 2000


class DeadLetter(BaseModel):
    """A message a consumer could not process after bounded retries, with the reason."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    source_topic: str = Field(
        description="Topic the failed message was read from.",
        examples=["clinic.identity.v1"],
    )
    partition: int = Field(ge=0, description="Partition of the failed message.", examples=[3])
    offset: int = Field(ge=0, description="Offset of the failed message.", examples=[1042])
    key: str | None = Field(
        description="Kafka key of the failed message (the aggregate id), if it had one.",
        examples=["5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"],
    )
    consumer_group: str = Field(
        description="Consumer group that failed to process the message.",
        examples=["notify.identity-projection"],
    )
    error_type: str = Field(
        description="Class name of the last error.",
        examples=["ValidationError"],
    )
    error_message: str = Field(
        description="Text of the last error, truncated to 2000 characters.",
        examples=["1 validation error for ClinicCreated\ntime_zone\n  Value error"],
    )
    attempts: int = Field(
        ge=1, description="How many times the consumer tried the message.", examples=[5]
    )
    failed_at: AwareDatetime = Field(
        description="When the consumer gave up, in UTC.",
        examples=["2025-03-01T08:31:12Z"],
    )
    original_value: str = Field(
        description="The failed message's value decoded as UTF-8, bad bytes replaced by U+FFFD.",
        examples=['{"event_id": "0b9e6a4c-52f4-4c35-9a57-3f1c6a0d7e21", "event_type": "..."}'],
    )
    event_id: UUID | None = Field(
        description="event_id of the failed message, when its value had one.",
        examples=["0b9e6a4c-52f4-4c35-9a57-3f1c6a0d7e21"],
    )

    @field_validator("failed_at")
    @classmethod
    def _failed_at_in_utc(cls, value: datetime) -> datetime:
        return to_utc(value)

    @classmethod
    def for_failure(
        cls,
        *,
        source_topic: str,
        partition: int,
        offset: int,
        key: bytes | str | None,
        value: bytes,
        consumer_group: str,
        error: BaseException,
        attempts: int,
        failed_at: datetime | None = None,
    ) -> DeadLetter:
        """Build the dead letter for a raw Kafka message and the error that stopped it."""
        if isinstance(key, bytes):
            key = key.decode("utf-8", errors="replace")
        return cls(
            source_topic=source_topic,
            partition=partition,
            offset=offset,
            key=key,
            consumer_group=consumer_group,
            error_type=type(error).__name__,
            error_message=str(error)[:_MAX_ERROR_MESSAGE],
            attempts=attempts,
            failed_at=failed_at or datetime.now(UTC),
            original_value=value.decode("utf-8", errors="replace"),
            event_id=event_id_of(value),
        )


def event_id_of(value: bytes) -> UUID | None:
    """Return the event_id of a message value that is JSON with one, even if it is invalid."""
    # Lenient on purpose: a message fails for many reasons, and its id still links the logs.
    try:
        document = json.loads(value.decode("utf-8", errors="replace"))
        return UUID(str(document["event_id"]))
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def encode_dead_letter(letter: DeadLetter) -> bytes:
    """Serialize a dead letter to the JSON bytes of a Kafka message value."""
    return letter.model_dump_json().encode()


def decode_dead_letter(value: bytes | str) -> DeadLetter:
    """Parse a dead-letter message value; raises pydantic.ValidationError."""
    return DeadLetter.model_validate_json(value)
