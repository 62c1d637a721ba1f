"""Hostile values in every input of every route of every service: a 422 naming the field, never 500.

The routes come from each service's own OpenAPI document, so a new route is swept without
being listed here. For each operation, every path and query parameter and every body field
(nested ones included) gets, one at a time, the values PostgreSQL or date arithmetic cannot
take: NUL, an unpaired surrogate, integers past int64, non-finite numbers, dates near year 1
or 9999, absurd durations. Each must be refused with 422 `validation-error` naming exactly that
field, whatever the rest of the request, the caller's role or the data; other odd values (very
long text, a body that is not an object) must never give a 500. Services run on the real
PostgreSQL and broker, as in their own tests, and are called with an org admin's token
(the `service` fixture of conftest.py).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from servicekit.input_schema import Operation, OperationIndex, Schema, SchemaView

OUR_CODES = {
    "string_contains_nul",
    "string_unpaired_surrogate",
    "number_out_of_range",
    "number_not_finite",
    "date_out_of_range",
    "duration_out_of_range",
    "json_too_deep",
}
TEXT = ["a\x00b", "\x00"]
JSON_TEXT = [*TEXT, "a\ud800b", "\udfff"]
NUMBERS = ["100000000000000000000", "-9223372036854775809", "1e400", "NaN"]
JSON_NUMBERS = [10**20, -(2**63) - 1, float("inf"), float("nan"), 1e20]
TEMPORAL = {
    "date": ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"],
    "date-time": ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "2200-01-01T00:00Z"],
    "duration": ["P999999999D", "-P999999999D"],
}
# 9999-12-31 as a number: pydantic reads numbers past 2e10 as milliseconds since 1970.
UNIX_9999 = 253402214400000
HARMLESS_BUT_ODD = ["x" * 3000, "\u202e\ufeff", " ", "9" * 5000]
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Probe:
    """One request carrying one hostile value, and the field it must be refused for."""

    operation: str
    method: str
    path: str
    field: str | None  # None: only "no 500" is asked
    params: dict[str, str]
    body: bytes | None = None
    media_type: str = "application/json"


def body_slots(view: SchemaView, schemas: list[Schema], loc: Loc = ()) -> Iterator[Loc]:
    """Every field of a body schema, nested ones included (the first element of arrays)."""
    yield loc
    if len(loc) >= 4:
        return
    keys: dict[str, None] = {}
    has_items = False
    for alternative in view.alternatives(schemas):
        keys.update(dict.fromkeys(alternative.get("properties", {})))
        has_items = has_items or "items" in alternative or "prefixItems" in alternative
    for key in keys:
        yield from body_slots(view, view.members(schemas, key), (*loc, key))
    if has_items:
        yield from body_slots(view, view.items(schemas, 0), (*loc, 0))


def placed(loc: Loc, value: Any) -> Any:
    """A JSON value holding `value` at `loc` and nothing else."""
    for part in reversed(loc):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def hostile_values(kinds: frozenset[str], *, as_json: bool) -> list[Any]:
    values: list[Any] = list(JSON_TEXT if as_json else TEXT)
    if kinds & {"integer", "number"}:
        values += NUMBERS + (JSON_NUMBERS if as_json else [])
    for fmt in kinds & set(TEMPORAL):
        values += TEMPORAL[fmt] + ([UNIX_9999] if as_json and fmt != "duration" else [])
    return values


def filled_path(template: tuple[str, ...], chosen: str = "", value: str = "") -> str:
    """The path with every parameter a fresh id, except `chosen`, which gets `value`."""
    parts = []
    for part in template:
        name = part[1:-1] if part.startswith("{") else None
        parts.append(
            part if name is None else quote(value if name == chosen else str(uuid.uuid4()))
        )
    return "/".join(parts)


def operations(document: dict[str, Any]) -> Iterator[tuple[str, Operation]]:
    """Every operation of the document with its method."""
    for method, found in OperationIndex(document).operations.items():
        for operation in found:
            yield method, operation


def probes(document: dict[str, Any]) -> Iterator[Probe]:
    """Every hostile request for every operation of the document."""
    view = OperationIndex(document).view
    for method, op in operations(document):
        yield from _parameter_probes(method, op, view)
        yield from _body_probes(method, op, view)


def _label(method: str, op: Operation) -> str:
    return f"{method} {'/'.join(op.template)}"


def _parameter_probes(method: str, op: Operation, view: SchemaView) -> Iterator[Probe]:
    label, path = _label(method, op), filled_path(op.template)
    yield Probe(label, method, path, "query.unexpected", {"unexpected": "a\x00b"})
    for (where, name), schema in op.params.items():
        kinds = view.kinds([schema, *view.items([schema], 0)])
        for value in hostile_values(kinds, as_json=False):
            if where == "query":
                yield Probe(label, method, path, f"query.{name}", {name: value})
            elif where == "path":
                at = filled_path(op.template, name, value)
                yield Probe(label, method, at, f"path.{name}", {})
        if where == "query":
            for odd in HARMLESS_BUT_ODD:
                yield Probe(label, method, path, None, {name: odd})


def _body_probes(method: str, op: Operation, view: SchemaView) -> Iterator[Probe]:
    label, path = _label(method, op), filled_path(op.template)
    for media_type, schema in op.body.items():
        if media_type == "application/x-www-form-urlencoded":
            for name, field in schema.get("properties", {}).items():
                for value in hostile_values(view.kinds([field]), as_json=False):
                    form = urlencode({name: value}).encode()
                    yield Probe(label, method, path, f"body.{name}", {}, form, media_type)
            continue
        key = json.dumps({"a\x00": 1}).encode()
        yield Probe(label, method, path, "body.a\\u0000", {}, key)
        yield Probe(label, method, path, "body", {}, b"[" * 40 + b"]" * 40)
        for loc in body_slots(view, [schema]):
            field = ".".join(["body", *map(str, loc)])
            kinds = view.kinds(_schemas_at(view, schema, loc))
            for value in hostile_values(kinds, as_json=True):
                body = json.dumps(placed(loc, value)).encode()
                yield Probe(label, method, path, field, {}, body)
            for odd in HARMLESS_BUT_ODD:
                body = json.dumps(placed(loc, odd)).encode()
                yield Probe(label, method, path, None, {}, body)


def _schemas_at(view: SchemaView, schema: Schema, loc: Loc) -> list[Schema]:
    schemas = [schema]
    for part in loc:
        schemas = (
            view.items(schemas, part) if isinstance(part, int) else view.members(schemas, part)
        )
    return schemas


async def send(client: httpx.AsyncClient, probe: Probe) -> httpx.Response:
    headers = {"content-type": probe.media_type} if probe.body is not None else {}
    return await client.request(
        probe.method, probe.path, params=probe.params, content=probe.body, headers=headers
    )


async def test_every_route_refuses_what_postgresql_cannot_take(
    service: tuple[str, httpx.AsyncClient, dict[str, Any]],
) -> None:
    name, client, document = service
    swept = list(probes(document))
    every = {_label(method, op) for method, op in operations(document)}
    assert {probe.operation for probe in swept} == every, f"{name}: operations left unswept"
    failures = []
    for probe in swept:
        response = await send(client, probe)
        if response.status_code >= 500:
            failures.append(f"{probe}: {response.status_code}")
        elif probe.field is not None and not _names(response, probe.field):
            failures.append(f"{probe}: {response.status_code} {response.text[:300]}")
    assert not failures, f"{len(failures)} of {len(swept)} probes failed:\n" + "\n".join(
        failures[:20]
    )


def _names(response: httpx.Response, field: str) -> bool:
    """A 422 validation-error whose errors name `field` with one of the guard's codes."""
    if response.status_code != 422:
        return False
    body = response.json()
    return body["type"] == "urn:clinic:problem:validation-error" and any(
        error["field"] == field and error["code"] in OUR_CODES for error in body["errors"]
    )
