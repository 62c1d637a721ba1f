"""JSON Schemas of the messages on every topic, as committed under contracts/schemas/."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from clinic_contracts.envelope import Event, EventEnvelope, new_envelope
from clinic_contracts.registry import TOPICS, TopicSpec

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

JsonSchema = dict[str, Any]


def first_example(model: type[BaseModel], field: str) -> Any:
    """Return the first example of a model's field; raises ValueError when it has none."""
    examples = model.model_fields[field].examples
    if not examples:
        raise ValueError(f"field {model.__name__}.{field} has no example")
    return examples[0]


def example_of(model: type[BaseModel]) -> dict[str, Any]:
    """Build the JSON example of a model from the first example of each of its fields."""
    values = {name: first_example(model, name) for name in model.model_fields}
    return model.model_validate(values).model_dump(mode="json")


def example_envelope(event: type[Event]) -> dict[str, Any]:
    """Build the JSON example of an enveloped event, with the envelope's example metadata."""
    example = new_envelope(
        event.model_validate(example_of(event)),
        producer=first_example(EventEnvelope, "producer"),
        correlation_id=first_example(EventEnvelope, "correlation_id"),
        occurred_at=datetime.fromisoformat(first_example(EventEnvelope, "occurred_at")),
        event_id=UUID(first_example(EventEnvelope, "event_id")),
    )
    return example.model_dump(mode="json")


def event_schema(event: type[Event]) -> JsonSchema:
    """Return the schema of an enveloped event: the envelope with this payload inlined."""
    schema = EventEnvelope.model_json_schema()
    payload = event.model_json_schema()
    defs = _merge_defs(schema.pop("$defs", {}), payload.pop("$defs", {}), event)
    properties = schema["properties"]
    for name, value in (("event_type", event.event_type), ("schema_version", event.schema_version)):
        kind = "string" if isinstance(value, str) else "integer"
        properties[name] = {
            "const": value,
            "description": properties[name]["description"],
            "type": kind,
        }
    properties["payload"] = payload
    schema.update(
        {
            "$schema": JSON_SCHEMA_DIALECT,
            "title": f"{event.event_type} v{event.schema_version}",
            "description": f"{payload.get('description', event.event_type)} Published on "
            f"{event.topic} in the event envelope, keyed by {event.aggregate_field}.",
            "examples": [example_envelope(event)],
        }
    )
    if defs:
        schema["$defs"] = defs
    return schema


def raw_message_schema(model: type[BaseModel], topic: str) -> JsonSchema:
    """Return the schema of a model published as-is (without the envelope) on a topic."""
    schema = model.model_json_schema()
    schema.update(
        {
            "$schema": JSON_SCHEMA_DIALECT,
            "description": f"{schema.get('description', model.__name__)} Published as-is "
            f"(no event envelope) on {topic}.",
            "examples": [example_of(model)],
        }
    )
    return schema


def _merge_defs(envelope: JsonSchema, payload: JsonSchema, event: type[Event]) -> JsonSchema:
    # Both documents refer to "#/$defs/<Name>"; a name defined differently would be ambiguous.
    for name in envelope.keys() & payload.keys():
        if envelope[name] != payload[name]:
            raise ValueError(f"{event.__name__}: nested model {name} clashes with the envelope")
    return {**envelope, **payload}


def schema_path(spec: TopicSpec, model: type[BaseModel]) -> str:
    """Return where a message's schema lives, relative to the schemas directory."""
    if issubclass(model, Event):
        return f"{spec.name}/{model.event_type}.v{model.schema_version}.json"
    # A raw message has no schema_version: a breaking change to it needs a new topic anyway.
    return f"{spec.name}/{model.__name__}.json"


def render_schemas(topics: Sequence[TopicSpec] = TOPICS) -> dict[str, JsonSchema]:
    """Return every message schema of the given topics, by path relative to schemas/."""
    schemas: dict[str, JsonSchema] = {}
    for spec in topics:
        for event in spec.events:
            schemas[schema_path(spec, event)] = event_schema(event)
        if spec.raw_message is not None:
            schemas[schema_path(spec, spec.raw_message)] = raw_message_schema(
                spec.raw_message, spec.name
            )
    return dict(sorted(schemas.items()))
