"""Cursors round-trip their sort key; anything else is a 400 bad-cursor, never a 500."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from servicekit.pagination import BadCursor, decode_keyset, encode_cursor, instant


def test_a_cursor_gives_back_its_typed_sort_key() -> None:
    moment, row_id = datetime(2026, 3, 29, 1, 30, tzinfo=UTC), uuid.uuid4()

    assert decode_keyset(encode_cursor(moment.isoformat(), row_id), instant, uuid.UUID) == (
        moment,
        row_id,
    )


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        encode_cursor("2026-03-29T01:30:00+00:00"),  # one part missing
        encode_cursor("2026-03-29T01:30:00", uuid.uuid4()),  # no offset
        encode_cursor("yesterday", uuid.uuid4()),
        encode_cursor("2026-03-29T01:30:00+00:00", "not-a-uuid"),
    ],
)
def test_crafted_cursors_are_bad_requests(cursor: str) -> None:
    with pytest.raises(BadCursor):
        decode_keyset(cursor, instant, uuid.UUID)
