"""Keyset pagination: an opaque cursor naming the last row seen, and one page shape for lists."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar, cast

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Column, Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from servicekit.problems import Problem
from servicekit.storable import day_in_range, text_fault

DEFAULT_LIMIT, MAX_LIMIT = 50, 200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (at most 200).")]
Cursor = Annotated[
    str | None,
    Query(max_length=500, description="`next_cursor` of the previous page; omit for the first."),
]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list, newest or alphabetical first as the endpoint documents."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class BadCursor(Problem):
    status, slug = 400, "bad-cursor"


def encode_cursor(*values: Any) -> str:
    """An opaque cursor holding the sort key of the last item of a page."""
    raw = json.dumps([str(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, parts: int) -> list[str]:
    """The sort key a cursor holds; 400 problem+json when it was not made by encode_cursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != parts:
        raise BadCursor("The cursor is not one this endpoint returned.")
    texts = [str(v) for v in values]
    # A forged cursor is input like any other: nothing PostgreSQL would refuse gets through.
    if any(text_fault(text) for text in texts):
        raise BadCursor("The cursor is not one this endpoint returned.")
    return texts


def instant(text: str) -> datetime:
    """A cursor part written from an aware datetime; ValueError for anything else."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a cursor instant needs its offset")
    return value


def decode_keyset(cursor: str, *parsers: Callable[[str], Any]) -> tuple[Any, ...]:
    """The sort key a cursor holds, each part parsed; 400 bad-cursor when any part is not."""
    values = decode_cursor(cursor, len(parsers))
    try:
        parsed = tuple(parse(value) for parse, value in zip(parsers, values, strict=True))
    except ValueError:
        raise BadCursor("The cursor is not one this endpoint returned.") from None
    if any(isinstance(part, date) and not day_in_range(part) for part in parsed):
        raise BadCursor("The cursor is not one this endpoint returned.")
    return parsed


SortColumn = InstrumentedAttribute[Any] | Column[Any]


@dataclass(frozen=True)
class Keyset(Generic[T]):
    """One page of rows read by `keyset_page`, and the cursor of the next (None on the last)."""

    items: list[T]
    next_cursor: str | None


def _parser(column: SortColumn) -> Callable[[str], Any]:
    python_type = column.type.python_type
    if python_type is datetime:
        return instant
    if python_type is date:
        return date.fromisoformat
    return cast(Callable[[str], Any], python_type)


def _cursor_part(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def keyset_page(
    session: AsyncSession,
    query: Select[Any],
    *,
    order: Sequence[SortColumn],
    cursor: str | None,
    limit: int,
    descending: bool = False,
    scalars: bool = True,
) -> Keyset[Any]:
    """Read one page of `query` ordered by the `order` columns, after the row `cursor` names.

    The cursor holds the last row's values of the order columns, read back by their types
    (400 bad-cursor for anything else); one row beyond the page tells whether another follows.
    """
    key = tuple_(*order)
    if cursor:
        after = tuple_(*decode_keyset(cursor, *(_parser(column) for column in order)))
        query = query.where(key < after if descending else key > after)
    sort = [column.desc() if descending else column for column in order]
    query = query.order_by(*sort).limit(limit + 1)
    result = await session.scalars(query) if scalars else await session.execute(query)
    rows = list(result)
    page = rows[:limit]
    if len(rows) <= limit:
        return Keyset(items=page, next_cursor=None)
    last = page[-1]
    return Keyset(
        items=page,
        next_cursor=encode_cursor(*(_cursor_part(getattr(last, c.key)) for c in order)),
    )
