"""The AsyncAPI 3.0 document of every topic, for teams that subscribe to the system's events."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from clinic_contracts.envelope import (
    CORRELATION_ID_HEADER,
    TRACEPARENT_HEADER,
    TRACESTATE_HEADER,
    Event,
)
from clinic_contracts.json_schemas import (
    JsonSchema,
    event_schema,
    example_envelope,
    example_of,
    raw_message_schema,
)
from clinic_contracts.registry import TOPICS, TopicSpec

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
# Each topic carries its own version in its name; this only moves when the document's shape does.
DOCUMENT_VERSION = "1.0.0"

DESCRIPTION = (
    "Kafka topics of the clinic scheduling system. Every message on an event topic is an event "
    "envelope (event id, type, schema version, occurred at, producer, clinic id, aggregate id, "
    "correlation id) around one event's payload. The Kafka key is the aggregate id, so the "
    "events of one aggregate keep their order. Consumers must ignore fields they do not know, "
    "skip event types or versions they do not know, and process each event_id once. Trace "
    "context travels in the W3C traceparent / tracestate headers. A message a consumer gives up "
    "on goes to clinic.deadletter.v1 as a DeadLetter."
)

HEADERS_SCHEMA: JsonSchema = {
    "type": "object",
    "properties": {
        TRACEPARENT_HEADER: {
            "type": "string",
            "description": "W3C Trace Context traceparent of the span that published the message.",
            "examples": ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
        },
        TRACESTATE_HEADER: {
            "type": "string",
            "description": "W3C Trace Context tracestate, when the trace carries vendor state.",
            "examples": ["rojo=00f067aa0ba902b7"],
        },
        CORRELATION_ID_HEADER: {
            "type": "string",
            "description": "The envelope's correlation_id, when it has one (for tooling that "
            "does not parse message values).",
            "examples": ["req-7f3a9c"],
        },
    },
}


def _example_headers() -> dict[str, str]:
    properties = HEADERS_SCHEMA["properties"]
    return {name: header["examples"][0] for name, header in properties.items()}


def _rebase(node: Any, prefix: str) -> Any:
    """Point "#/$defs/X" references at the hoisted "#/components/schemas/<prefix>X"."""
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/$defs/", f"#/components/schemas/{prefix}")
                if key == "$ref" and isinstance(value, str)
                else _rebase(value, prefix)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rebase(item, prefix) for item in node]
    return node


def _hoist(schema: JsonSchema, message_id: str, schemas: dict[str, JsonSchema]) -> None:
    # Nested definitions are prefixed by message so two events may both have, say, an Address.
    prefix = f"{message_id}_"
    schema = {key: value for key, value in schema.items() if key != "$schema"}
    for name, definition in schema.pop("$defs", {}).items():
        schemas[prefix + name] = _rebase(definition, prefix)
    schemas[message_id] = _rebase(schema, prefix)


def _message(
    model: type[BaseModel], message_id: str, key: str, example: dict[str, Any]
) -> dict[str, Any]:
    if issubclass(model, Event):
        name, title = model.event_type, f"{model.event_type} v{model.schema_version}"
        location = "$message.payload#/correlation_id"
    else:
        name = title = model.__name__
        location = f"$message.header#/{CORRELATION_ID_HEADER}"
    return {
        "name": name,
        "title": title,
        "summary": (model.__doc__ or name).strip().splitlines()[0],
        "contentType": "application/json",
        "payload": {"$ref": f"#/components/schemas/{message_id}"},
        "headers": {"$ref": "#/components/schemas/KafkaHeaders"},
        "correlationId": {"location": location},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": key},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "examples": [{"name": f"{name}Example", "headers": _example_headers(), "payload": example}],
    }


def _messages_of(spec: TopicSpec, schemas: dict[str, JsonSchema]) -> dict[str, Any]:
    messages: dict[str, Any] = {}
    for event in spec.events:
        message_id = f"{event.event_type}.v{event.schema_version}"
        _hoist(event_schema(event), message_id, schemas)
        key = f"Aggregate id: the payload's {event.aggregate_field}."
        messages[message_id] = _message(event, message_id, key, example_envelope(event))
    if spec.raw_message is not None:
        message_id = spec.raw_message.__name__
        _hoist(raw_message_schema(spec.raw_message, spec.name), message_id, schemas)
        key = "The key of the original message, so its aggregate's letters stay in order."
        example = example_of(spec.raw_message)
        messages[message_id] = _message(spec.raw_message, message_id, key, example)
    return messages


def _channel(spec: TopicSpec, message_ids: Sequence[str]) -> dict[str, Any]:
    return {
        "address": spec.name,
        "description": f"{spec.description} Owner: {spec.owner}.",
        "messages": {
            message_id: {"$ref": f"#/components/messages/{message_id}"}
            for message_id in message_ids
        },
        "bindings": {
            "kafka": {
                "topic": spec.name,
                "partitions": spec.partitions,
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _operation(spec: TopicSpec, message_ids: Sequence[str]) -> dict[str, Any]:
    return {
        "action": "send",
        "channel": {"$ref": f"#/channels/{spec.name}"},
        "summary": f"Published by {spec.owner}.",
        "messages": [
            {"$ref": f"#/channels/{spec.name}/messages/{message_id}"} for message_id in message_ids
        ],
    }


def asyncapi_document(topics: Sequence[TopicSpec] = TOPICS) -> dict[str, Any]:
    """Return the AsyncAPI 3.0 document of the given topics as plain JSON-like data."""
    schemas: dict[str, JsonSchema] = {"KafkaHeaders": copy.deepcopy(HEADERS_SCHEMA)}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for spec in topics:
        topic_messages = _messages_of(spec, schemas)
        messages.update(topic_messages)
        channels[spec.name] = _channel(spec, list(topic_messages))
        operations[f"publish.{spec.name}"] = _operation(spec, list(topic_messages))
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Clinic scheduling events",
            "version": DOCUMENT_VERSION,
            "description": DESCRIPTION,
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }
