"""Notify's API: who sees which messages, templates, clinic settings and one's own preferences.

Scoping of GET /v1/notifications: patients see their own messages (at any clinic they name),
and a filter naming another patient is 403; staff see their clinics' messages, and naming a
clinic they do not work at (or one that does not exist) is 403, never an empty page; one
message that the caller may not see is 404, whoever owns it.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from notify.messages.models import Message
from notify.templates.wording import BUILT_IN, KINDS, PLACEHOLDERS
from servicekit.auth import Membership
from servicekit.testing.issuer import TokenIssuer
from sqlalchemy import update

TEMPLATES = "/v1/clinics/{}/message-templates"
SETTINGS = "/v1/clinics/{}/notification-settings"
PREFERENCES = "/v1/me/notification-preferences"


def org_admin(issuer: TokenIssuer) -> dict[str, str]:
    return issuer.headers(uuid.uuid4(), Membership("org_admin", None))


async def list_all(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[Any]:
    response = await client.get("/v1/notifications", headers=headers, params=params)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


# --- notifications -------------------------------------------------------------------------


async def test_a_patient_sees_only_their_own_messages(client, clinic, runtime) -> None:
    amina, baraka = await clinic.patient(), await clinic.patient()
    await clinic.apply(clinic.booked(amina), clinic.booked(baraka))
    own = clinic.patient_headers(amina)

    mine = await list_all(client, own)
    assert mine
    assert {m["patient_id"] for m in mine} == {str(amina)}
    assert await list_all(client, own, patient_id=str(amina)) == mine
    assert await list_all(client, own, clinic_id=str(clinic.id)) == mine
    assert await list_all(client, own, clinic_id=str(uuid.uuid4())) == []  # none there
    someone_else = await client.get(
        "/v1/notifications", headers=own, params={"patient_id": str(baraka)}
    )
    assert someone_else.status_code == 403
    assert someone_else.headers["content-type"] == "application/problem+json"

    [theirs, *_] = await list_all(client, clinic.receptionist(), patient_id=str(baraka))
    response = await client.get(f"/v1/notifications/{theirs['id']}", headers=own)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_one_message_shows_its_history_and_a_masked_phone(client, clinic, runtime) -> None:
    patient = await clinic.patient()
    booked = clinic.booked(patient)
    await clinic.apply(booked)
    [message, *_] = await clinic.messages(booked.appointment_id)
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Message).where(Message.id == message.id).values(to_phone="+254712345678")
        )

    response = await client.get(
        f"/v1/notifications/{message.id}", headers=clinic.patient_headers(patient)
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["appointment_id"] == str(booked.appointment_id)
    assert body["status"] == "scheduled"
    assert body["to"] == "+*********678"
    assert [step["status"] for step in body["history"]] == ["scheduled"]


async def test_staff_see_their_clinics_messages_and_filter_them(
    client, clinic, issuer, runtime
) -> None:
    patient = await clinic.patient()
    first, second = clinic.booked(patient), clinic.booked(patient)
    await clinic.apply(first, second)
    staff = clinic.receptionist()

    everything = await list_all(client, staff)
    assert len(everything) == len(await clinic.messages())
    about_first = await list_all(client, staff, appointment_id=str(first.appointment_id))
    assert {m["appointment_id"] for m in about_first} == {str(first.appointment_id)}
    confirmations = await list_all(client, staff, kind="confirmation", status="scheduled")
    assert {m["kind"] for m in confirmations} == {"confirmation"}
    assert len(confirmations) == 2
    assert len(await list_all(client, org_admin(issuer))) == len(everything)


async def test_staff_of_another_clinic_see_nothing_of_this_one(client, clinic, issuer) -> None:
    patient = await clinic.patient()
    await clinic.apply(clinic.booked(patient))
    elsewhere = issuer.headers(uuid.uuid4(), Membership("clinic_admin", uuid.uuid4()))
    [message, *_] = await clinic.messages()

    assert await list_all(client, elsewhere) == []  # no filter: their own clinic's, none
    for named in (clinic.id, uuid.uuid4()):  # this clinic, or one that does not exist
        response = await client.get(
            "/v1/notifications", headers=elsewhere, params={"clinic_id": str(named)}
        )
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
    admin = org_admin(issuer)
    assert await list_all(client, admin, clinic_id=str(uuid.uuid4())) == []  # matches nothing
    assert len(await list_all(client, admin, clinic_id=str(clinic.id))) == len(
        await clinic.messages()
    )
    response = await client.get(f"/v1/notifications/{message.id}", headers=elsewhere)
    assert response.status_code == 404


async def test_pages_go_newest_first_without_gaps(client, clinic) -> None:
    patient = await clinic.patient()
    for _ in range(3):
        await clinic.apply(clinic.booked(patient))
    staff = clinic.receptionist()

    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/notifications", headers=staff, params=params)).json()
        seen += page["items"]
        if not (cursor := page["next_cursor"]):
            break

    assert len(seen) == len({m["id"] for m in seen}) == len(await clinic.messages())
    created = {m.id: m.created_at for m in await clinic.messages()}
    order = [created[uuid.UUID(m["id"])] for m in seen]
    assert order == sorted(order, reverse=True)
    bad = await client.get("/v1/notifications", headers=staff, params={"cursor": "nonsense"})
    assert bad.status_code == 400


async def test_listing_needs_a_token(client) -> None:
    assert (await client.get("/v1/notifications")).status_code == 401


# --- message templates ---------------------------------------------------------------------


async def test_templates_list_every_kind_in_every_built_in_language(client, clinic) -> None:
    response = await client.get(TEMPLATES.format(clinic.id), headers=clinic.receptionist())

    assert response.status_code == 200, response.text
    body = response.json()
    assert {(t["kind"], t["language"]) for t in body["templates"]} == {
        (kind, language) for kind in KINDS for language in BUILT_IN
    }
    assert {t["source"] for t in body["templates"]} == {"built_in"}
    assert [p["name"] for p in body["placeholders"]] == list(PLACEHOLDERS)


async def test_an_admin_words_a_message_and_takes_it_back(client, clinic) -> None:
    path = TEMPLATES.format(clinic.id) + "/reminder/sw"
    wording = "{clinic}: {patient}, usisahau {type} {date} saa {time}. STOP kusitisha."

    saved = await client.put(path, json={"body": wording}, headers=clinic.admin())

    assert saved.status_code == 200, saved.text
    assert saved.json()["source"] == "clinic"
    listed = (await client.get(TEMPLATES.format(clinic.id), headers=clinic.receptionist())).json()
    own = [t for t in listed["templates"] if t["source"] == "clinic"]
    assert [(t["kind"], t["language"], t["body"]) for t in own] == [("reminder", "sw", wording)]
    assert (await client.delete(path, headers=clinic.admin())).status_code == 204
    again = await client.delete(path, headers=clinic.admin())
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("wording", "named"),
    [("Hi {patient.__class__}", "{patient.__class__}"), ("Your SSN {ssn}", "{ssn}")],
)
async def test_a_template_with_a_bad_placeholder_is_refused(
    client, clinic, wording: str, named: str
) -> None:
    path = TEMPLATES.format(clinic.id) + "/confirmation/en"
    response = await client.put(path, json={"body": wording}, headers=clinic.admin())

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("invalid-template")
    assert named in problem["detail"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no_such_kind/en", 404),
        ("/reminder/not a language", 422),
        ("/reminder/EN_us", 422),
        ("/reminder/zz-ZZZZ", 422),
        ("/reminder/de", 422),
    ],
)
async def test_templates_need_a_known_kind_and_a_language_tag(
    client, clinic, path: str, status: int
) -> None:
    response = await client.put(
        TEMPLATES.format(clinic.id) + path, json={"body": "{clinic}"}, headers=clinic.admin()
    )
    assert response.status_code == status


async def test_only_admins_change_templates_and_only_staff_see_them(client, clinic) -> None:
    path = TEMPLATES.format(clinic.id) + "/reminder/en"
    patient = clinic.patient_headers(await clinic.patient())

    put = await client.put(path, json={"body": "{clinic}"}, headers=clinic.receptionist())
    assert put.status_code == 403
    assert (await client.delete(path, headers=clinic.receptionist())).status_code == 403
    assert (await client.get(TEMPLATES.format(clinic.id), headers=patient)).status_code == 403


async def test_templates_of_a_clinic_notify_does_not_know_are_404(client, issuer) -> None:
    response = await client.get(TEMPLATES.format(uuid.uuid4()), headers=org_admin(issuer))
    assert response.status_code == 404


# --- clinic notification settings ----------------------------------------------------------

NEW_SETTINGS = {
    "provider": "africastalking",
    "channel": "whatsapp",
    "fallback_to_sms": False,
    "reminder_offsets": [60, 2880],
    "quiet_from": "22:30",
    "quiet_until": "06:00",
}


async def test_staff_see_the_settings_and_admins_change_them(client, clinic) -> None:
    path = SETTINGS.format(clinic.id)
    before = await client.get(path, headers=clinic.receptionist())
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

    saved = await client.put(path, json=NEW_SETTINGS, headers=clinic.admin())

    assert saved.status_code == 200, saved.text
    after = (await client.get(path, headers=clinic.receptionist())).json()
    assert after == saved.json()
    assert after["reminder_offsets"] == [2880, 60]
    assert {k: after[k] for k in NEW_SETTINGS if k != "reminder_offsets"} == {
        k: v for k, v in NEW_SETTINGS.items() if k != "reminder_offsets"
    }
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
async def test_invalid_settings_are_refused(client, clinic, change: dict[str, Any]) -> None:
    response = await client.put(
        SETTINGS.format(clinic.id), json=NEW_SETTINGS | change, headers=clinic.admin()
    )
    assert response.status_code == 422, response.text


async def test_settings_are_for_the_clinics_staff_and_admins(client, clinic, issuer) -> None:
    path = SETTINGS.format(clinic.id)
    patient = clinic.patient_headers(await clinic.patient())

    assert (await client.get(path, headers=patient)).status_code == 403
    put = await client.put(path, json=NEW_SETTINGS, headers=clinic.receptionist())
    assert put.status_code == 403
    unknown = await client.get(SETTINGS.format(uuid.uuid4()), headers=org_admin(issuer))
    assert unknown.status_code == 404


# --- one's own preferences -----------------------------------------------------------------


async def test_a_patient_sees_and_changes_their_preferences(client, clinic) -> None:
    patient = await clinic.patient(whatsapp=True, language="sw")
    headers = clinic.patient_headers(patient)

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
    changed = await client.patch(
        PREFERENCES,
        json={"preferred_channel": "whatsapp", "reminders": False, "opted_out": True},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["preferred_channel"] == "whatsapp"
    assert changed.json()["reminders"] is False
    assert changed.json()["opted_out_at"] is not None

    back = await client.patch(
        PREFERENCES, json={"preferred_channel": None, "opted_out": False}, headers=headers
    )
    assert back.json()["preferred_channel"] is None
    assert back.json()["opted_out"] is False
    assert back.json()["opted_out_at"] is None
    assert back.json()["reminders"] is False  # left out: unchanged


async def test_preferences_of_an_unknown_contact_are_404(client, clinic) -> None:
    stranger = clinic.patient_headers(uuid.uuid4())
    assert (await client.get(PREFERENCES, headers=stranger)).status_code == 404
    patch = await client.patch(PREFERENCES, json={"reminders": False}, headers=stranger)
    assert patch.status_code == 404


@pytest.mark.parametrize(
    "change", [{"preferred_channel": "email"}, {"phone": "+254700000000"}, {"opted_out": "maybe"}]
)
async def test_invalid_preferences_are_refused(client, clinic, change: dict[str, Any]) -> None:
    headers = clinic.patient_headers(await clinic.patient())
    assert (await client.patch(PREFERENCES, json=change, headers=headers)).status_code == 422
