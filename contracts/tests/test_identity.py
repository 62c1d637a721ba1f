from uuid import uuid4

import pytest
from clinic_contracts import ClinicCreated
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
