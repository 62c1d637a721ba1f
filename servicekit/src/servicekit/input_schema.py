"""Where each input of an API lives and what type it has, read from the app's OpenAPI document.

The document is what FastAPI derives from the routes' own types, so it tells which query
parameter is an integer and which body field a date-time without a second source of truth.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from servicekit.storable import TEMPORAL_FORMATS

Schema = dict[str, Any]
NO_SCHEMA: Schema = {}  # the one "anything" schema, so that caching by identity stays sound
REF_PREFIX = "#/components/schemas/"
NUMERIC_TYPES = frozenset({"integer", "number"})


class SchemaView:
    """Reads JSON Schemas of one document: `$ref` resolved, anyOf / oneOf / allOf flattened.

    A value is checked against every alternative it might take, so a union that is a date in
    one branch has its date checked: a little stricter than needed, never looser.
    """

    def __init__(self, components: dict[str, Schema]) -> None:
        self.components = components
        # By the identity of the schemas of the document (kept alive by the cache itself):
        # the same few are asked about on every request. Never keyed by request data.
        self._alternatives: dict[tuple[int, ...], tuple[list[Schema], list[Schema]]] = {}
        self._kinds: dict[tuple[int, ...], tuple[list[Schema], frozenset[str]]] = {}

    def alternatives(self, schemas: list[Schema]) -> list[Schema]:
        """The plain schemas (no $ref, no combinator) that the given ones stand for."""
        key = tuple(map(id, schemas))
        if key not in self._alternatives:
            self._alternatives[key] = (schemas, self._flatten(schemas))
        return self._alternatives[key][1]

    def _flatten(self, schemas: Iterable[Schema]) -> list[Schema]:
        found: list[Schema] = []
        pending, seen = list(schemas), set()
        while pending:
            schema = pending.pop()
            ref = schema.get("$ref", "")
            if ref.startswith(REF_PREFIX):
                if ref not in seen:  # a recursive model refers to itself
                    seen.add(ref)
                    pending.append(self.components.get(ref[len(REF_PREFIX) :], {}))
                continue
            for combinator in ("anyOf", "oneOf", "allOf"):
                pending.extend(schema.get(combinator, []))
            found.append(schema)
        return found

    def kinds(self, schemas: list[Schema]) -> frozenset[str]:
        """Numeric types and temporal formats any alternative has ("integer", "date", ...)."""
        key = tuple(map(id, schemas))
        if key not in self._kinds:
            self._kinds[key] = (schemas, self._kinds_of(schemas))
        return self._kinds[key][1]

    def _kinds_of(self, schemas: list[Schema]) -> frozenset[str]:
        kinds: set[str] = set()
        for schema in self.alternatives(schemas):
            types = schema.get("type", [])
            kinds.update(NUMERIC_TYPES.intersection([types] if isinstance(types, str) else types))
            if schema.get("format") in TEMPORAL_FORMATS:
                kinds.add(schema["format"])
        return frozenset(kinds)

    def members(self, schemas: list[Schema], key: str) -> list[Schema]:
        """The schemas a property named `key` may have."""
        found = []
        for schema in self.alternatives(schemas):
            member = schema.get("properties", {}).get(key, schema.get("additionalProperties"))
            if isinstance(member, dict):
                found.append(member)
        return found

    def items(self, schemas: list[Schema], index: int) -> list[Schema]:
        """The schemas the array element at `index` may have."""
        found = []
        for schema in self.alternatives(schemas):
            prefix = schema.get("prefixItems", [])
            item = prefix[index] if index < len(prefix) else schema.get("items")
            if isinstance(item, dict):
                found.append(item)
        return found


@dataclass(frozen=True)
class Operation:
    """One method on one path template: its parameters' schemas and its body's."""

    template: tuple[str, ...]
    params: dict[tuple[str, str], Schema] = field(default_factory=dict)
    body: dict[str, Schema] = field(default_factory=dict)  # by media type

    def path_params(self, segments: list[str]) -> dict[str, str] | None:
        """The path parameters by name if the segments match the template, else None."""
        if len(segments) != len(self.template):
            return None
        found = {}
        for part, segment in zip(self.template, segments, strict=True):
            if part.startswith("{") and part.endswith("}"):
                if not segment:
                    return None
                found[part[1:-1]] = segment
            elif part != segment:
                return None
        return found


class OperationIndex:
    """Every operation of an OpenAPI document, found by method and concrete path."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.view = SchemaView(document.get("components", {}).get("schemas", {}))
        self.operations: dict[str, list[Operation]] = {}
        for path, item in document.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method, spec in item.items():
                if method == "parameters" or not isinstance(spec, dict):
                    continue
                params = {
                    (p["in"], p["name"]): p.get("schema", {})
                    for p in [*shared, *spec.get("parameters", [])]
                }
                content = spec.get("requestBody", {}).get("content", {})
                body = {media: c.get("schema", {}) for media, c in content.items()}
                operation = Operation(tuple(path.split("/")), params, body)
                self.operations.setdefault(method.upper(), []).append(operation)

    def find(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The first operation (in document order, as the router tries them) serving the path."""
        segments = path.split("/")
        method = "GET" if method.upper() == "HEAD" else method.upper()  # GET routes answer HEAD
        for operation in self.operations.get(method, []):
            params = operation.path_params(segments)
            if params is not None:
                return operation, params
        return None
