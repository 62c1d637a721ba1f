"""A clinic's notification settings: its staff see them, its admins change them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from servicekit.testing.issuer import TokenIssuer

from .support import Clinic, org_admin

SETTINGS = "/v1/clinics/{}/notification-settings"
NEW_SETTINGS = {
    "provider": "africastalking",
    "channel": "whatsapp",
    "fallback_to_sms": False,
    "reminder_offsets": [60, 2880],
    "quiet_from": "22:30",
    "quiet_until": "06:00",
}


async def test_staff_see_the_default_settings(client: httpx.AsyncClient, clinic: Clinic) -> None:
    before = await client.get(SETTINGS.format(clinic.id), headers=clinic.receptionist())

    assert before.status_code == 200, before.text
    assert before.json() | {"updated_at": None} == {
        "clinic_id": str(clinic.id),
        "provider": None,
        "channel": "sms",
        "fallback_to_sms": True,
        "reminder_offsets": [1440, 120],
        "quiet_from": "21:00",
        "quiet_until": "07:00",
        "updated_at": None,
    }


async def test_admins_change_the_settings(client: httpx.AsyncClient, clinic: Clinic) -> None:
    path = SETTINGS.format(clinic.id)

    saved = await client.put(path, json=NEW_SETTINGS, headers=clinic.admin())

    assert saved.status_code == 200, saved.text
    after = (await client.get(path, headers=clinic.receptionist())).json()
    assert after == saved.json()
    assert after["reminder_offsets"] == [2880, 60]
    assert {k: after[k] for k in NEW_SETTINGS if k != "reminder_offsets"} == {
        k: v for k, v in NEW_SETTINGS.items() if k != "reminder_offsets"
    }


async def test_admins_clear_the_quiet_hours_and_the_provider(
    client: httpx.AsyncClient, clinic: Clinic
) -> None:
    path = SETTINGS.format(clinic.id)
    saved = await client.put(path, json=NEW_SETTINGS, headers=clinic.admin())
    assert saved.status_code == 200, saved.text

    no_quiet = NEW_SETTINGS | {"provider": None, "quiet_from": None, "quiet_until": None}
    cleared = await client.put(path, json=no_quiet, headers=clinic.admin())

    assert cleared.json()["quiet_from"] is None
    assert cleared.json()["provider"] is None


@pytest.mark.parametrize(
    "change",
    [
        {"reminder_offsets": []},
        {"reminder_offsets": [60, 60]},
        {"reminder_offsets": [5]},
        {"reminder_offsets": [20161]},
        {"reminder_offsets": [10, 20, 30, 40, 50, 60]},
        {"quiet_from": None},
        {"quiet_until": "7:00"},
        {"quiet_from": "24:00"},
        {"quiet_from": "06:00", "quiet_until": "06:00"},
        {"channel": "email"},
        {"provider": "carrier-pigeon"},
        {"colour": "blue"},
    ],
)
async def test_invalid_settings_are_refused(
    client: httpx.AsyncClient, clinic: Clinic, change: dict[str, Any]
) -> None:
    response = await client.put(
        SETTINGS.format(clinic.id), json=NEW_SETTINGS | change, headers=clinic.admin()
    )
    assert response.status_code == 422, response.text


async def test_patients_may_not_see_the_settings(client: httpx.AsyncClient, clinic: Clinic) -> None:
    patient = clinic.patient_headers(await clinic.patient())

    assert (await client.get(SETTINGS.format(clinic.id), headers=patient)).status_code == 403


async def test_staff_may_not_change_the_settings(client: httpx.AsyncClient, clinic: Clinic) -> None:
    put = await client.put(
        SETTINGS.format(clinic.id), json=NEW_SETTINGS, headers=clinic.receptionist()
    )

    assert put.status_code == 403


async def test_settings_of_a_clinic_notify_does_not_know_are_404(
    client: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    unknown = await client.get(SETTINGS.format(uuid.uuid4()), headers=org_admin(issuer))

    assert unknown.status_code == 404
