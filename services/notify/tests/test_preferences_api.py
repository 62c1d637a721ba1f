"""One's own notification preferences: channel, reminders and opt-out, next to what identity
holds about one's contact."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from .support import Clinic

PREFERENCES = "/v1/me/notification-preferences"


@pytest.fixture
async def headers(clinic: Clinic) -> dict[str, str]:
    """A Swahili-speaking patient who consents to SMS and WhatsApp."""
    return clinic.patient_headers(await clinic.patient(whatsapp=True, language="sw"))


async def test_a_patient_sees_their_preferences(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    shown = await client.get(PREFERENCES, headers=headers)

    assert shown.status_code == 200, shown.text
    assert shown.json() == {
        "preferred_channel": None,
        "reminders": True,
        "opted_out": False,
        "opted_out_at": None,
        "phone": "+*********678",
        "language": "sw",
        "consent": {"sms": True, "whatsapp": True},
    }


async def test_a_patient_chooses_a_channel_turns_reminders_off_and_opts_out(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    changed = await client.patch(
        PREFERENCES,
        json={"preferred_channel": "whatsapp", "reminders": False, "opted_out": True},
        headers=headers,
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["preferred_channel"] == "whatsapp"
    assert changed.json()["reminders"] is False
    assert changed.json()["opted_out_at"] is not None


async def test_a_patient_goes_back_to_the_clinics_channel_and_opts_back_in(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    changed = await client.patch(
        PREFERENCES,
        json={"preferred_channel": "whatsapp", "reminders": False, "opted_out": True},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text

    back = await client.patch(
        PREFERENCES, json={"preferred_channel": None, "opted_out": False}, headers=headers
    )

    assert back.json()["preferred_channel"] is None
    assert back.json()["opted_out"] is False
    assert back.json()["opted_out_at"] is None
    assert back.json()["reminders"] is False  # left out: unchanged


async def test_preferences_of_an_unknown_contact_are_404(
    client: httpx.AsyncClient, clinic: Clinic
) -> None:
    stranger = clinic.patient_headers(uuid.uuid4())

    assert (await client.get(PREFERENCES, headers=stranger)).status_code == 404


async def test_an_unknown_contact_cannot_change_preferences(
    client: httpx.AsyncClient, clinic: Clinic
) -> None:
    stranger = clinic.patient_headers(uuid.uuid4())

    patch = await client.patch(PREFERENCES, json={"reminders": False}, headers=stranger)

    assert patch.status_code == 404


@pytest.mark.parametrize(
    "change", [{"preferred_channel": "email"}, {"phone": "+254700000000"}, {"opted_out": "maybe"}]
)
async def test_invalid_preferences_are_refused(
    client: httpx.AsyncClient, clinic: Clinic, change: dict[str, Any]
) -> None:
    headers = clinic.patient_headers(await clinic.patient())
    assert (await client.patch(PREFERENCES, json=change, headers=headers)).status_code == 422
