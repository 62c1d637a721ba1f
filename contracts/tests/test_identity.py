from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from clinic_contracts import ClinicCreated
from clinic_contracts.identity import (
    MembershipRevoked,
    SessionRevoked,
    UserDeactivated,
    message_language,
)
from pydantic import ValidationError


@pytest.mark.parametrize(
    "zone", ["Africa/Nairobi", "UTC", "America/Argentina/Buenos_Aires", "Europe/London"]
)
def test_iana_time_zones_are_accepted(zone: str) -> None:
    event = ClinicCreated(clinic_id=uuid4(), name="Clinic", time_zone=zone)

    assert event.time_zone == zone


@pytest.mark.parametrize(
    "zone",
    ["Mars/Olympus_Mons", "", "africa/nairobi", "../../etc/passwd", "localtime", "Factory", "+03"],
)
def test_other_time_zone_names_are_rejected(zone: str) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        ClinicCreated(clinic_id=uuid4(), name="Clinic", time_zone=zone)


def test_clinic_name_must_not_be_empty() -> None:
    with pytest.raises(ValidationError):
        ClinicCreated(clinic_id=uuid4(), name="", time_zone="UTC")


def test_aggregate_id_is_the_clinic_id() -> None:
    clinic_id = uuid4()

    event = ClinicCreated(clinic_id=clinic_id, name="Clinic", time_zone="UTC")

    assert event.aggregate_id() == str(clinic_id)


def test_revocation_instants_keep_microseconds_and_are_stored_in_utc() -> None:
    nairobi = timezone(timedelta(hours=3))
    at = datetime(2026, 3, 1, 11, 30, 0, 123456, tzinfo=nairobi)

    deactivated = UserDeactivated(user_id=uuid4(), deactivated_at=at)
    revoked = MembershipRevoked(user_id=uuid4(), clinic_id=uuid4(), role="provider", revoked_at=at)
    ended = SessionRevoked(user_id=uuid4(), session_id=uuid4(), reason="signed_out", revoked_at=at)

    for event in (deactivated, revoked, ended):
        wire = event.model_dump(mode="json")
        assert "2026-03-01T08:30:00.123456Z" in wire.values()


def test_revocation_instants_are_optional_in_events_published_before_them() -> None:
    # Older producers sent neither field: consumers fall back to the envelope's occurred_at.
    assert UserDeactivated.model_validate({"user_id": str(uuid4())}).deactivated_at is None
    old = {"user_id": str(uuid4()), "clinic_id": None, "role": "org_admin"}
    assert MembershipRevoked.model_validate(old).revoked_at is None


def test_a_session_revocation_names_why_it_ended() -> None:
    with pytest.raises(ValidationError):
        SessionRevoked(
            user_id=uuid4(), session_id=uuid4(), reason="bored", revoked_at=datetime.now(UTC)
        )


@pytest.mark.parametrize(
    ("tag", "language"),
    [("sw", "sw"), ("SW", "sw"), ("sw-KE", "sw"), ("fr-CA", "fr"), ("en-Latn-GB", "en")],
)
def test_a_tag_in_a_message_language_gives_that_language(tag: str, language: str) -> None:
    assert message_language(tag) == language


@pytest.mark.parametrize(
    ("tag", "reason"),
    [
        ("zz-ZZZZ", "cannot be worded in 'zz'"),
        ("de", "cannot be worded in 'de'"),
        ("swa", "cannot be worded in 'swa'"),
        ("sw_KE", "BCP 47"),
        ("english!", "BCP 47"),
        ("", "BCP 47"),
    ],
)
def test_other_languages_and_non_tags_are_refused(tag: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        message_language(tag)
