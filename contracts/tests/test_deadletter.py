from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

from clinic_contracts.deadletter import DeadLetter, decode_dead_letter, encode_dead_letter

EVENT_ID = "0b9e6a4c-52f4-4c35-9a57-3f1c6a0d7e21"


def letter_for(value: bytes, key: bytes | str | None = b"clinic-1") -> DeadLetter:
    return DeadLetter.for_failure(
        source_topic="clinic.identity.v1",
        partition=2,
        offset=17,
        key=key,
        value=value,
        consumer_group="notify.identity",
        error=ValueError("boom"),
        attempts=5,
    )


def test_envelope_with_bad_bytes_keeps_its_event_id_and_replaces_the_bytes() -> None:
    letter = letter_for(b'{"event_id": "' + EVENT_ID.encode() + b'", "name": "\xff"}')

    assert letter.event_id == UUID(EVENT_ID)
    assert "\ufffd" in letter.original_value
    assert (letter.key, letter.error_type) == ("clinic-1", "ValueError")
    assert letter.error_message == "boom"


def test_value_that_is_not_an_envelope_has_no_event_id() -> None:
    for value in (b"\xff\xfe", b"[1, 2]", b'"text"', b'{"event_id": "nope"}', b"{}"):
        assert letter_for(value, key=None).event_id is None


def test_long_errors_are_truncated() -> None:
    letter = DeadLetter.for_failure(
        source_topic="t",
        partition=0,
        offset=0,
        key=None,
        value=b"",
        consumer_group="g",
        error=RuntimeError("x" * 10_000),
        attempts=1,
    )

    assert len(letter.error_message) == 2000


def test_failed_at_is_utc_and_letter_round_trips() -> None:
    at = datetime(2025, 3, 1, 11, 0, tzinfo=timezone(timedelta(hours=3)))
    letter = letter_for(b"{}").model_copy(update={"failed_at": at})
    letter = DeadLetter.model_validate(letter.model_dump())

    assert letter.failed_at.utcoffset() == timedelta(0)
    assert letter.failed_at == datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    assert decode_dead_letter(encode_dead_letter(letter)) == letter
