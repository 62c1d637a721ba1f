"""The envelope every event travels in, the base class of event payloads, and their JSON codec."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

# Kafka header names. Trace context follows W3C Trace Context; the correlation id header
# mirrors the envelope field so brokers' tooling can filter without parsing the body.
TRACEPARENT_HEADER = "traceparent"
TRACESTATE_HEADER = "tracestate"
CORRELATION_ID_HEADER = "correlation-id"


class Event(BaseModel):
    """Base of every event payload; subclasses set the ClassVars that place them in a topic."""

    # Consumers ignore unknown fields, so producers may add optional fields within a version.
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    topic: ClassVar[str]
    aggregate_field: ClassVar[str]

    def aggregate_id(self) -> str:
        """Return the aggregate id (the Kafka key) of this event, as a string."""
        return str(getattr(self, self.aggregate_field))


def to_utc(value: datetime) -> datetime:
    """Convert an aware datetime to UTC, so every timestamp on the wire ends in Z."""
    return value.astimezone(UTC)


class EventEnvelope(BaseModel):
    """What every message on an event topic is: metadata around one event's payload."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID = Field(
        description="Unique id of this event; consumers record it to process each event once.",
        examples=["0b9e6a4c-52f4-4c35-9a57-3f1c6a0d7e21"],
    )
    event_type: str = Field(
        min_length=1,
        description="Name of the event, in the past tense; selects the payload model.",
        examples=["ClinicCreated"],
    )
    schema_version: int = Field(
        ge=1,
        description="Version of the payload schema of this event type.",
        examples=[1],
    )
    occurred_at: AwareDatetime = Field(
        description="When the change happened, in UTC.",
        examples=["2025-03-01T08:30:00Z"],
    )
    producer: str = Field(
        min_length=1,
        description="Name of the service that published the event.",
        examples=["identity"],
    )
    clinic_id: UUID | None = Field(
        default=None,
        description="Clinic the event belongs to, when it belongs to one.",
        examples=["5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"],
    )
    aggregate_id: str = Field(
        min_length=1,
        description="Id of the aggregate that changed; also the Kafka key, so its events stay "
        "in order.",
        examples=["5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"],
    )
    correlation_id: str | None = Field(
        default=None,
        description="Id shared by everything one request or flow caused (e.g. the request id).",
        examples=["req-7f3a9c"],
    )
    payload: dict[str, Any] = Field(
        description="The event itself; its schema is given by event_type and schema_version.",
        examples=[{"clinic_id": "5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"}],
    )

    @field_validator("occurred_at")
    @classmethod
    def _occurred_at_in_utc(cls, value: datetime) -> datetime:
        return to_utc(value)


def new_envelope(
    event: Event,
    *,
    producer: str,
    aggregate_id: str | None = None,
    clinic_id: UUID | None = None,
    correlation_id: str | None = None,
    occurred_at: datetime | None = None,
    event_id: UUID | None = None,
) -> EventEnvelope:
    """Wrap an event in an envelope; ids and the clock default to the event's own and now."""
    if clinic_id is None:
        # An event about a clinic names it in its payload; the envelope repeats it for routing.
        named = getattr(event, "clinic_id", None)
        clinic_id = named if isinstance(named, UUID) else None
    return EventEnvelope(
        event_id=event_id or uuid4(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        occurred_at=occurred_at or datetime.now(UTC),
        producer=producer,
        clinic_id=clinic_id,
        aggregate_id=aggregate_id or event.aggregate_id(),
        correlation_id=correlation_id,
        payload=event.model_dump(mode="json"),
    )


def encode(envelope: EventEnvelope) -> bytes:
    """Serialize an envelope to the JSON bytes of a Kafka message value."""
    return envelope.model_dump_json().encode()


def decode(value: bytes | str) -> EventEnvelope:
    """Parse a Kafka message value into an envelope; raises pydantic.ValidationError."""
    return EventEnvelope.model_validate_json(value)
