from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest
from clinic_contracts import (
    ClinicCreated,
    EventEnvelope,
    UnknownEventType,
    decode,
    encode,
    new_envelope,
    parse_event,
)
from pydantic import ValidationError

CLINIC_ID = UUID("5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f")


def clinic_created() -> ClinicCreated:
    return ClinicCreated(clinic_id=CLINIC_ID, name="Kibera Clinic", time_zone="Africa/Nairobi")


def test_round_trip_through_bytes_gives_back_the_event() -> None:
    envelope = new_envelope(clinic_created(), producer="identity", correlation_id="req-1")

    decoded = decode(encode(envelope))

    assert decoded == envelope
    assert parse_event(decoded) == clinic_created()


def test_envelope_defaults_come_from_the_event() -> None:
    envelope = new_envelope(clinic_created(), producer="identity")

    assert envelope.event_type == "ClinicCreated"
    assert envelope.schema_version == 1
    assert envelope.aggregate_id == str(CLINIC_ID)
    assert envelope.clinic_id == CLINIC_ID
    assert envelope.occurred_at.tzinfo is not None


def test_explicit_metadata_wins_over_defaults() -> None:
    event_id, other_clinic = uuid4(), uuid4()
    at = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)

    envelope = new_envelope(
        clinic_created(),
        producer="identity",
        aggregate_id="custom",
        clinic_id=other_clinic,
        occurred_at=at,
        event_id=event_id,
    )

    assert (envelope.aggregate_id, envelope.clinic_id) == ("custom", other_clinic)
    assert (envelope.occurred_at, envelope.event_id) == (at, event_id)


def test_occurred_at_is_stored_and_sent_in_utc() -> None:
    nairobi = timezone(timedelta(hours=3))
    at = datetime(2025, 3, 1, 11, 30, tzinfo=nairobi)

    envelope = new_envelope(clinic_created(), producer="identity", occurred_at=at)

    assert envelope.occurred_at == at
    assert envelope.occurred_at.utcoffset() == timedelta(0)
    assert b'"occurred_at":"2025-03-01T08:30:00Z"' in encode(envelope)


def test_naive_occurred_at_is_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        new_envelope(clinic_created(), producer="identity", occurred_at=datetime(2025, 3, 1))


def test_schema_version_must_be_positive() -> None:
    data = new_envelope(clinic_created(), producer="identity").model_dump()

    with pytest.raises(ValidationError):
        EventEnvelope.model_validate({**data, "schema_version": 0})


def test_envelope_is_frozen() -> None:
    envelope = new_envelope(clinic_created(), producer="identity")

    with pytest.raises(ValidationError):
        envelope.producer = "someone else"  # type: ignore[misc]


def test_unknown_fields_are_ignored_in_envelope_and_payload() -> None:
    envelope = new_envelope(clinic_created(), producer="identity")
    data = envelope.model_dump(mode="json")
    data["added_later"] = "x"
    data["payload"]["also_added_later"] = 42

    decoded = EventEnvelope.model_validate(data)

    assert parse_event(decoded) == clinic_created()


def test_decode_rejects_a_value_that_is_no_envelope() -> None:
    with pytest.raises(ValidationError):
        decode(b'{"hello": "world"}')
    with pytest.raises(ValidationError):
        decode(b"\xff not json")


def test_parse_event_of_unknown_type_names_it() -> None:
    envelope = new_envelope(clinic_created(), producer="identity")
    unknown = envelope.model_copy(update={"event_type": "ClinicTeleported"})

    with pytest.raises(UnknownEventType, match="ClinicTeleported v1 \\(no such event type\\)"):
        parse_event(unknown)


def test_parse_event_of_unknown_version_lists_known_versions() -> None:
    envelope = new_envelope(clinic_created(), producer="identity")
    future = envelope.model_copy(update={"schema_version": 9})

    with pytest.raises(UnknownEventType, match=r"ClinicCreated v9 \(known versions: \[1\]\)"):
        parse_event(future)


def test_parse_event_validates_the_payload() -> None:
    envelope = new_envelope(clinic_created(), producer="identity")
    broken = envelope.model_copy(update={"payload": {"clinic_id": "not-a-uuid"}})

    with pytest.raises(ValidationError):
        parse_event(broken)
