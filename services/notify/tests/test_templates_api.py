"""A clinic's own wording of its messages: staff see every kind in every language, admins word
one their own way or take it back, and anything else is refused."""

from __future__ import annotations

import uuid

import httpx
import pytest
from notify.templates.rules import BUILT_IN, KINDS, PLACEHOLDERS
from servicekit.testing.issuer import TokenIssuer

from .support import Clinic, org_admin

TEMPLATES = "/v1/clinics/{}/message-templates"
SWAHILI_REMINDER = "{clinic}: {patient}, usisahau {type} {date} saa {time}. STOP kusitisha."


async def test_templates_list_every_kind_in_every_built_in_language(
    client: httpx.AsyncClient, clinic: Clinic
) -> None:
    response = await client.get(TEMPLATES.format(clinic.id), headers=clinic.receptionist())

    assert response.status_code == 200, response.text
    body = response.json()
    assert {(t["kind"], t["language"]) for t in body["templates"]} == {
        (kind, language) for kind in KINDS for language in BUILT_IN
    }
    assert {t["source"] for t in body["templates"]} == {"built_in"}
    assert [p["name"] for p in body["placeholders"]] == list(PLACEHOLDERS)


async def test_an_admins_wording_is_saved_and_listed(
    client: httpx.AsyncClient, clinic: Clinic
) -> None:
    path = TEMPLATES.format(clinic.id) + "/reminder/sw"

    saved = await client.put(path, json={"body": SWAHILI_REMINDER}, headers=clinic.admin())

    assert saved.status_code == 200, saved.text
    assert saved.json()["source"] == "clinic"
    listed = (await client.get(TEMPLATES.format(clinic.id), headers=clinic.receptionist())).json()
    own = [t for t in listed["templates"] if t["source"] == "clinic"]
    assert [(t["kind"], t["language"], t["body"]) for t in own] == [
        ("reminder", "sw", SWAHILI_REMINDER)
    ]


async def test_an_admin_takes_the_wording_back_once(
    client: httpx.AsyncClient, clinic: Clinic
) -> None:
    path = TEMPLATES.format(clinic.id) + "/reminder/sw"
    saved = await client.put(path, json={"body": SWAHILI_REMINDER}, headers=clinic.admin())
    assert saved.status_code == 200, saved.text

    assert (await client.delete(path, headers=clinic.admin())).status_code == 204
    again = await client.delete(path, headers=clinic.admin())
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("wording", "named"),
    [("Hi {patient.__class__}", "{patient.__class__}"), ("Your SSN {ssn}", "{ssn}")],
)
async def test_a_template_with_a_bad_placeholder_is_refused(
    client: httpx.AsyncClient, clinic: Clinic, wording: str, named: str
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
    client: httpx.AsyncClient, clinic: Clinic, path: str, status: int
) -> None:
    response = await client.put(
        TEMPLATES.format(clinic.id) + path, json={"body": "{clinic}"}, headers=clinic.admin()
    )
    assert response.status_code == status


async def test_staff_may_not_word_messages(client: httpx.AsyncClient, clinic: Clinic) -> None:
    path = TEMPLATES.format(clinic.id) + "/reminder/en"

    put = await client.put(path, json={"body": "{clinic}"}, headers=clinic.receptionist())

    assert put.status_code == 403


async def test_staff_may_not_take_wording_back(client: httpx.AsyncClient, clinic: Clinic) -> None:
    path = TEMPLATES.format(clinic.id) + "/reminder/en"

    assert (await client.delete(path, headers=clinic.receptionist())).status_code == 403


async def test_patients_may_not_see_templates(client: httpx.AsyncClient, clinic: Clinic) -> None:
    patient = clinic.patient_headers(await clinic.patient())

    assert (await client.get(TEMPLATES.format(clinic.id), headers=patient)).status_code == 403


async def test_templates_of_a_clinic_notify_does_not_know_are_404(
    client: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    response = await client.get(TEMPLATES.format(uuid.uuid4()), headers=org_admin(issuer))
    assert response.status_code == 404
