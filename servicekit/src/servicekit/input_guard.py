"""Refuses, before any route runs, input PostgreSQL cannot store or date arithmetic cannot take.

Every text of a request (path, query, header values, JSON strings and keys, form fields) is
checked for NUL and unpaired surrogates, every JSON number for being finite and within int64;
parameters and body fields that the app's OpenAPI document types as integers, dates,
date-times or durations are checked against `servicekit.storable`'s bounds. Anything outside
is a 422 `validation-error` naming each offending field, as FastAPI's own validation would,
and no route, dependency or database statement sees the request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.input_schema import NO_SCHEMA, Operation, OperationIndex, Schema, SchemaView
from servicekit.problems import problem_response
from servicekit.storable import (
    NUL,
    TEMPORAL_FORMATS,
    Fault,
    number_fault,
    numeric_text_fault,
    temporal_fault,
    text_fault,
)

Loc = tuple[str | int, ...]
MAX_DEPTH = 32  # far beyond any body of ours, far below Python's recursion limit
TOO_DEEP = Fault("json_too_deep", f"JSON may nest at most {MAX_DEPTH} levels deep.")


def value_faults(value: str, kinds: frozenset[str], loc: Loc) -> Iterator[tuple[Loc, Fault]]:
    """Faults of one text value, given the numeric types and formats its field may have."""
    fault = text_fault(value)
    if fault is None and kinds & {"integer", "number"}:
        fault = numeric_text_fault(value)
    for fmt in kinds & TEMPORAL_FORMATS:
        fault = fault or temporal_fault(value, fmt)
    if fault is not None:
        yield loc, fault


def json_faults(
    value: Any, schemas: list[Schema], view: SchemaView, loc: Loc, depth: int = 0
) -> Iterator[tuple[Loc, Fault]]:
    """Faults anywhere in a parsed JSON value, `schemas` being what it may be."""
    if depth > MAX_DEPTH:
        yield loc, TOO_DEEP
    elif isinstance(value, str):
        yield from value_faults(value, view.kinds(schemas), loc)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        fault = number_fault(value)
        for fmt in view.kinds(schemas) & TEMPORAL_FORMATS:  # unix times are dates too
            fault = fault or temporal_fault(value, fmt)
        if fault is not None:
            yield loc, fault
    elif isinstance(value, dict):
        for key, item in value.items():
            if (fault := text_fault(key)) is not None:
                yield (*loc, key), fault
            else:
                yield from json_faults(
                    item, view.members(schemas, key), view, (*loc, key), depth + 1
                )
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_faults(item, view.items(schemas, index), view, (*loc, index), depth + 1)


def _media_type(scope: Scope) -> str:
    raw: bytes = next((v for n, v in scope["headers"] if n == b"content-type"), b"")
    return raw.decode("latin-1").split(";")[0].strip().lower()


def _body_kind(media_type: str) -> str | None:
    # The media types FastAPI parses as JSON, and the form bodies the webhooks read.
    if media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        return "json"
    return "form" if media_type == "application/x-www-form-urlencoded" else None


def _printable(part: str | int) -> str:
    # A refused key is named in the answer: written so the answer itself stays encodable.
    text = str(part).encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("\x00", "\\u0000")


# Indexes by the routes they were built from: a process builds one app, but a test session
# builds one per test, and each OpenAPI document costs a tenth of a second to generate.
_INDEXES: dict[tuple[Any, ...], OperationIndex] = {}
_MAX_INDEXES = 64


def _routes_key(api: FastAPI) -> tuple[Any, ...]:
    # By the endpoint's code, not the function: routes like /readyz are closures made anew
    # for each app, yet the same code with the same signature gives the same document.
    return tuple(
        (
            getattr(route, "path", None),
            tuple(sorted(getattr(route, "methods", None) or ())),
            getattr(endpoint, "__code__", endpoint),
        )
        for route in api.routes
        for endpoint in [getattr(route, "endpoint", None)]
    )


def operation_index(api: FastAPI) -> OperationIndex:
    """The index of `api`'s OpenAPI document, shared by every app with the same routes."""
    key = (api.title, api.version, _routes_key(api))
    index = _INDEXES.get(key)
    if index is None:
        if len(_INDEXES) >= _MAX_INDEXES:
            _INDEXES.pop(next(iter(_INDEXES)))
        index = _INDEXES[key] = OperationIndex(api.openapi())
    return index


class InputGuard:
    """ASGI middleware checking every request of `api` against its OpenAPI document."""

    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app, self.api = app, api
        self._index: OperationIndex | None = None

    @property
    def index(self) -> OperationIndex:
        """Built on first use, once every route is registered."""
        if self._index is None:
            self._index = operation_index(self.api)
        return self._index

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        media_type = _media_type(scope)
        kind = _body_kind(media_type)
        body = b""
        if kind is not None:
            read = await _read_body(receive)
            if read is None:
                return  # the client went away before sending its body
            body, receive = read
        faults = list(self._faults(scope, media_type, kind, body))
        if not faults:
            await self.app(scope, receive, send)
            return
        errors = [
            {"field": ".".join(_printable(p) for p in loc), "message": f.message, "code": f.code}
            for loc, f in faults
        ]
        response = problem_response(
            422,
            slug="validation-error",
            detail="The request is not valid.",
            instance=_printable(scope["path"]),
            errors=errors,
        )
        await response(scope, receive, send)

    def _faults(
        self, scope: Scope, media_type: str, kind: str | None, body: bytes
    ) -> Iterator[tuple[Loc, Fault]]:
        found = self.index.find(scope["method"], scope["path"])
        operation, path_params = found if found else (Operation(()), {})
        if found is None and (fault := text_fault(scope["path"])) is not None:
            yield ("path",), fault
        yield from _parameter_faults(scope, operation, path_params, self.index.view)
        body_schema = [operation.body.get(media_type, NO_SCHEMA)]
        if kind == "json":
            yield from _json_body_faults(body, body_schema, self.index.view)
        elif kind == "form":
            yield from _form_body_faults(body, body_schema, self.index.view)


def _parameter_faults(
    scope: Scope, operation: Operation, path_params: dict[str, str], view: SchemaView
) -> Iterator[tuple[Loc, Fault]]:
    for name, value in path_params.items():
        schema = operation.params.get(("path", name), NO_SCHEMA)
        yield from value_faults(value, view.kinds([schema]), ("path", name))
    # Parsed as Starlette parses it, so both see the same names and values.
    query = scope["query_string"].decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        schema = operation.params.get(("query", name), NO_SCHEMA)
        kinds = view.kinds([schema, *view.items([schema], 0)])  # repeated parameters
        yield from value_faults(name, frozenset(), ("query", name))
        yield from value_faults(value, kinds, ("query", name))
    for name, value in scope["headers"]:
        if b"\x00" in value:
            yield ("header", name.decode("latin-1")), NUL


def _form_body_faults(
    body: bytes, schemas: list[Schema], view: SchemaView
) -> Iterator[tuple[Loc, Fault]]:
    text = body.decode("utf-8", "replace")  # as the webhooks read their forms
    for name, value in parse_qsl(text, keep_blank_values=True):
        yield from value_faults(name, frozenset(), ("body", name))
        yield from value_faults(value, view.kinds(view.members(schemas, name)), ("body", name))


def _json_body_faults(
    body: bytes, schemas: list[Schema], view: SchemaView
) -> Iterator[tuple[Loc, Fault]]:
    if not body:
        return
    try:
        value = json.loads(body)  # the parser FastAPI uses, so both see the same value
    except RecursionError:
        yield ("body",), TOO_DEEP
        return
    except ValueError:
        return  # not JSON: FastAPI answers that itself
    if _deeper_than(value, MAX_DEPTH):
        yield ("body",), TOO_DEEP
        return
    yield from json_faults(value, schemas, view, ("body",))


def _deeper_than(value: Any, limit: int) -> bool:
    # Iterative, so that measuring a deep document cannot exhaust the stack either.
    level: list[Any] = [value]
    for _ in range(limit + 1):
        level = [
            child
            for node in level
            if isinstance(node, dict | list)
            for child in (node.values() if isinstance(node, dict) else node)
        ]
        if not level:
            return False
    return True


async def _read_body(receive: Receive) -> tuple[bytes, Receive] | None:
    """The whole body, and a `receive` that hands it on as one message; None on disconnect."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body, replayed = b"".join(chunks), False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return body, replay
