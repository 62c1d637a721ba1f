"""Event contracts of the clinic system: the envelope, the events of each service, the topics."""

from clinic_contracts.deadletter import DEAD_LETTER_TOPIC, DeadLetter
from clinic_contracts.envelope import (
    CORRELATION_ID_HEADER,
    TRACEPARENT_HEADER,
    TRACESTATE_HEADER,
    Event,
    EventEnvelope,
    decode,
    encode,
    new_envelope,
)
from clinic_contracts.identity import IDENTITY_TOPIC, ClinicCreated
from clinic_contracts.registry import (
    TOPICS,
    RegistryError,
    TopicSpec,
    UnknownEventType,
    UnknownTopic,
    event_model,
    events_of,
    parse_event,
    topic_names,
    topic_of,
    topic_spec,
)

__all__ = [
    "CORRELATION_ID_HEADER",
    "DEAD_LETTER_TOPIC",
    "IDENTITY_TOPIC",
    "TOPICS",
    "TRACEPARENT_HEADER",
    "TRACESTATE_HEADER",
    "ClinicCreated",
    "DeadLetter",
    "Event",
    "EventEnvelope",
    "RegistryError",
    "TopicSpec",
    "UnknownEventType",
    "UnknownTopic",
    "decode",
    "encode",
    "event_model",
    "events_of",
    "new_envelope",
    "parse_event",
    "topic_names",
    "topic_of",
    "topic_spec",
]
