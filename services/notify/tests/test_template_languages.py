"""Message templates only in the languages notify words messages in: en, sw and fr.

A template names a language: any case is accepted (BCP 47 tags are case-insensitive) and a
region is taken as its language (sw-KE is sw), since the region only changes how dates and
times are written, which follows each patient's own tag. Any other language is a 422 naming
the path's `language`, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from babel.dates import format_date
from clinic_contracts.identity import MESSAGE_LANGUAGES
from notify.messages.dispatch import Dispatcher
from notify.settings import Settings
from notify.templates.models import Template
from notify.templates.rules import BUILT_IN, KINDS, locale_of
from servicekit.localtime import zone
from servicekit.runtime import ServiceRuntime
from sqlalchemy import select

from .support import Clinic

TEMPLATES = "/v1/clinics/{}/message-templates"
WORDING = "{clinic}: karibu {patient}, {type} {date} saa {time}. STOP kusitisha."


@pytest.fixture
async def dispatcher(runtime: ServiceRuntime, settings: Settings) -> AsyncIterator[Dispatcher]:
    dispatcher = Dispatcher(runtime.sessions, settings)  # the `log` provider
    yield dispatcher
    await dispatcher.aclose()


async def stored(runtime: ServiceRuntime) -> list[tuple[str, str, str]]:
    async with runtime.sessions() as session:
        rows = await session.scalars(select(Template).order_by(Template.kind, Template.language))
        return [(t.kind, t.language, t.body) for t in rows]


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
async def test_a_template_in_another_language_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime, method: str
) -> None:
    path = TEMPLATES.format(clinic.id) + "/confirmation/zz-ZZZZ"

    response = await client.request(
        method, path, json={"body": "{clinic}"} if method == "PUT" else None, headers=clinic.admin()
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("validation-error")
    [error] = problem["errors"]
    assert error["field"] == "path.language"
    assert "'zz'" in error["message"]
    assert "en, sw, fr" in error["message"]
    assert await stored(runtime) == []
    listed = await client.get(TEMPLATES.format(clinic.id), headers=clinic.receptionist())
    assert {t["language"] for t in listed.json()["templates"]} == set(MESSAGE_LANGUAGES)
    assert {t["source"] for t in listed.json()["templates"]} == {"built_in"}


@pytest.mark.parametrize(
    ("spelled", "language"),
    [("sw", "sw"), ("SW", "sw"), ("sw-KE", "sw"), ("fr-CA", "fr"), ("en-GB", "en"), ("fr", "fr")],
)
async def test_a_supported_language_is_stored_under_that_language(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime, spelled: str, language: str
) -> None:
    path = TEMPLATES.format(clinic.id) + f"/reminder/{spelled}"

    saved = await client.put(path, json={"body": WORDING}, headers=clinic.admin())

    assert saved.status_code == 200, saved.text
    assert (saved.json()["language"], saved.json()["source"]) == (language, "clinic")
    assert await stored(runtime) == [("reminder", language, WORDING)]
    assert (await client.delete(path, headers=clinic.admin())).status_code == 204
    assert await stored(runtime) == []


async def test_a_patient_with_a_region_gets_the_clinics_wording_in_their_language(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher
) -> None:
    path = TEMPLATES.format(clinic.id) + "/confirmation/sw-KE"
    assert (await client.put(path, json={"body": WORDING}, headers=clinic.admin())).is_success
    patient = await clinic.patient(language="sw-TZ")
    await clinic.apply(clinic.booked(patient))

    assert await dispatcher.drain() == 1

    [confirmation] = [m for m in await clinic.messages() if m.kind == "confirmation"]
    assert confirmation.body is not None
    assert confirmation.body.startswith("Kibera Clinic: karibu Amina, General consultation")


async def test_an_account_in_another_language_is_written_to_in_english(
    clinic: Clinic, dispatcher: Dispatcher
) -> None:
    """Identity once accepted any tag; such a patient gets English words and English dates."""
    patient = await clinic.patient(language="de")
    booked = clinic.booked(patient)
    await clinic.apply(booked)

    assert await dispatcher.drain() == 1

    [confirmation] = [m for m in await clinic.messages() if m.kind == "confirmation"]
    local = booked.starts_at.astimezone(zone(booked.time_zone))
    assert confirmation.body is not None
    assert "is booked for" in confirmation.body
    assert format_date(local, format="full", locale="en") in confirmation.body
    assert confirmation.body.endswith("Reply STOP to opt out.")


def test_every_language_has_built_in_wording_for_every_kind() -> None:
    assert set(BUILT_IN) == set(MESSAGE_LANGUAGES)
    for language in MESSAGE_LANGUAGES:
        assert set(BUILT_IN[language]) == set(KINDS), language


def test_a_region_babel_does_not_know_still_writes_dates_in_its_language() -> None:
    assert str(locale_of("sw-XYZ")) == "sw"
    assert str(locale_of("fr-CA")) == "fr_CA"
    assert str(locale_of("de")) == "de"  # Babel knows it; the words are chosen elsewhere
