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


# Fixed, so that every xdist worker collects the same test ids.
ROW_ID = uuid.UUID("6fe18c79-eab8-4e54-bd51-f8a983b2b6f9")


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        encode_cursor("2026-03-29T01:30:00+00:00"),  # one part missing
        encode_cursor("2026-03-29T01:30:00", ROW_ID),  # no offset
        encode_cursor("yesterday", ROW_ID),
        encode_cursor("2026-03-29T01:30:00+00:00", "not-a-uuid"),
    ],
)
def test_crafted_cursors_are_bad_requests(cursor: str) -> None:
    with pytest.raises(BadCursor):
        decode_keyset(cursor, instant, uuid.UUID)
