from uuid import uuid4

import pytest
from clinic_contracts import ClinicCreated
from clinic_contracts.identity import message_language
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
