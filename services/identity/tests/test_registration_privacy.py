"""Registration never reveals whether a phone number or email already has an account: a taken
one gets the answer a new one gets, nothing is created, and the owner is told (an event)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from identity.settings import Settings

from .support import ORG_ADMIN, PASSWORD, Mint, Register, SignIn, attempts, rows

OTHER_PASSWORD = "someone else's own passphrase"
PHONE, EMAIL = "+254712345678", "amina@example.org"


def shape(response: httpx.Response) -> tuple[Any, ...]:
    """Everything a caller sees but the values that differ between any two registrations."""
    body = response.json()
    varying = ("content-length", "date", "x-request-id")
    headers = {k: v for k, v in response.headers.items() if k not in varying}
    return response.status_code, headers, sorted(body), body["kind"], body["active"]


@dataclass
class Registrations:
    """Amina's account, a fresh one, and a second registration with Amina's phone."""

    first: httpx.Response
    fresh: httpx.Response
    again: httpx.Response


@pytest.fixture
async def taken_phone(client: httpx.AsyncClient) -> Registrations:
    first = await client.post(
        "/v1/auth/register",
        json={"full_name": "Amina Odhiambo", "phone": PHONE, "password": PASSWORD},
    )
    fresh = await client.post(
        "/v1/auth/register",
        json={"full_name": "Baraka Mwangi", "phone": "+254722000000", "password": OTHER_PASSWORD},
    )
    again = await client.post(
        "/v1/auth/register",
        json={"full_name": "Baraka Mwangi", "phone": PHONE, "password": OTHER_PASSWORD},
    )
    return Registrations(first, fresh, again)


async def test_a_taken_phone_gets_the_answer_a_new_one_gets(taken_phone: Registrations) -> None:
    first, fresh, again = taken_phone.first, taken_phone.fresh, taken_phone.again
    assert first.status_code == fresh.status_code == again.status_code == 201
    assert shape(again) == shape(fresh)
    assert again.json()["full_name"] == "Baraka Mwangi"  # the request echoed, as for a new one
    assert again.json()["phone"] == PHONE


async def test_a_taken_phones_answer_names_an_id_that_exists_nowhere(
    taken_phone: Registrations, settings: Settings
) -> None:
    assert taken_phone.again.json()["id"] != taken_phone.first.json()["id"]
    users = {str(u) for (u,) in await rows(settings, "SELECT id FROM identity.users")}
    assert users == {taken_phone.first.json()["id"], taken_phone.fresh.json()["id"]}


async def test_a_taken_phones_owner_keeps_their_password(
    client: httpx.AsyncClient, taken_phone: Registrations, sign_in: SignIn
) -> None:
    await sign_in(PHONE, PASSWORD)
    refused = await client.post(
        "/v1/auth/token", json={"username": PHONE, "password": OTHER_PASSWORD}
    )
    assert refused.status_code == 401


async def test_a_taken_phones_owner_is_told_without_their_contact_details(
    taken_phone: Registrations, settings: Settings
) -> None:
    owner_id = taken_phone.first.json()["id"]
    [attempt] = await attempts(settings)
    assert attempt["payload"] == {"user_id": owner_id, "matched": ["phone"]}
    assert attempt["aggregate_id"] == owner_id
    assert PHONE.lstrip("+") not in json.dumps(attempt)


async def test_a_taken_phone_is_audited_about_its_owner(
    taken_phone: Registrations, settings: Settings
) -> None:
    audited = await rows(
        settings,
        "SELECT outcome, subject_id::text, details::text FROM identity.audit_events "
        "WHERE action = 'user.registration_duplicate'",
    )
    assert audited == [("failure", taken_phone.first.json()["id"], '{"matched": ["phone"]}')]


async def test_a_taken_email_is_treated_the_same(
    client: httpx.AsyncClient, settings: Settings, register: Register
) -> None:
    owner = await register(email=EMAIL)
    again = await client.post(
        "/v1/auth/register",
        json={
            "full_name": "Somebody Else",
            "phone": "+254733000000",
            "email": "Amina@Example.org",  # any case of the same address
            "password": OTHER_PASSWORD,
        },
    )
    assert again.status_code == 201
    assert again.headers["location"] == "/v1/me"
    assert await rows(settings, "SELECT count(*) FROM identity.users") == [(1,)]
    [attempt] = await attempts(settings)
    assert attempt["payload"] == {"user_id": owner["id"], "matched": ["email"]}


async def test_phone_and_email_of_two_accounts_tell_both_owners(
    client: httpx.AsyncClient, settings: Settings, register: Register
) -> None:
    by_phone = await register()
    by_email = await register("+254733000000", email=EMAIL)
    again = await client.post(
        "/v1/auth/register",
        json={"full_name": "X Y", "phone": PHONE, "email": EMAIL, "password": OTHER_PASSWORD},
    )
    assert again.status_code == 201
    told = {
        (a["payload"]["user_id"], tuple(a["payload"]["matched"])) for a in await attempts(settings)
    }
    assert told == {(by_phone["id"], ("phone",)), (by_email["id"], ("email",))}


async def test_a_weak_password_is_refused_alike_whether_the_phone_is_taken_or_not(
    client: httpx.AsyncClient, register: Register
) -> None:
    await register()
    weak = {"full_name": "Baraka Mwangi", "password": "qwertyuiop123"}
    taken = await client.post("/v1/auth/register", json={**weak, "phone": PHONE})
    free = await client.post("/v1/auth/register", json={**weak, "phone": "+254722000000"})
    assert taken.status_code == free.status_code == 422
    assert taken.json()["errors"] == free.json()["errors"]


async def test_two_registrations_racing_for_one_number_both_get_201_and_one_account(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    bodies = [
        {"full_name": f"Racer {n}", "phone": PHONE, "password": f"{PASSWORD} number {n}"}
        for n in range(4)
    ]
    answers = await asyncio.gather(*(client.post("/v1/auth/register", json=b) for b in bodies))
    assert [a.status_code for a in answers] == [201] * 4
    [(count,)] = await rows(
        settings, "SELECT count(*) FROM identity.users WHERE phone = :p", p=PHONE
    )
    assert count == 1
    assert len(await attempts(settings)) == 3


async def test_admins_creating_staff_are_still_told_the_contact_is_taken(
    client: httpx.AsyncClient, mint: Mint, register: Register
) -> None:
    # Admins are known and audited, and must be able to fix the clash: no pretending for them.
    await register(email=EMAIL)
    staff = {"full_name": "Nurse Joy", "email": EMAIL, "password": OTHER_PASSWORD}
    response = await client.post("/v1/users", json=staff, headers=mint(ORG_ADMIN))
    assert response.status_code == 409
    assert response.json()["type"] == "urn:clinic:problem:contact-taken"


async def test_a_retried_registration_replays_its_answer_and_tells_nobody(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    body = {"full_name": "Amina Odhiambo", "phone": PHONE, "password": PASSWORD}
    key = {"Idempotency-Key": "7f0c9a51-register-once"}
    first = await client.post("/v1/auth/register", json=body, headers=key)
    retry = await client.post("/v1/auth/register", json=body, headers=key)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["location"] == "/v1/me"
    assert await rows(settings, "SELECT count(*) FROM identity.users") == [(1,)]
    assert await attempts(settings) == []  # the owner's own retry sends them no SMS


STAND_IN = {"full_name": "Baraka Mwangi", "phone": PHONE, "password": OTHER_PASSWORD}
PROBE = {"Idempotency-Key": "probe-1"}


async def test_a_stand_in_answer_is_replayed_as_it_was(
    client: httpx.AsyncClient, settings: Settings, register: Register
) -> None:
    await register()
    first = await client.post("/v1/auth/register", json=STAND_IN, headers=PROBE)
    retry = await client.post("/v1/auth/register", json=STAND_IN, headers=PROBE)
    assert retry.json() == first.json()  # the same id that exists nowhere, as a real replay
    assert len(await attempts(settings)) == 1


async def test_a_stand_in_answers_key_is_not_reused_for_other_content(
    client: httpx.AsyncClient, register: Register
) -> None:
    await register()
    await client.post("/v1/auth/register", json=STAND_IN, headers=PROBE)
    reused = await client.post(
        "/v1/auth/register", json={**STAND_IN, "full_name": "X"}, headers=PROBE
    )
    assert reused.status_code == 422
    assert reused.json()["type"] == "urn:clinic:problem:idempotency-key-reused"
