"""Issue 16 item 4 in identity: text PostgreSQL refuses is a 422 naming the field, writing nothing.

Each case uses an otherwise valid request, so without the shared input guard it would reach
the database (and answered 500 before it existed).
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from .support import ORG_ADMIN, Mint, Register, SignIn, bearer

PATIENT = {
    "full_name": "Amina Odhiambo",
    "phone": "+254712345678",
    "password": "a long enough passphrase",
}


def named(response: httpx.Response, field: str, code: str = "string_contains_nul") -> bool:
    assert response.status_code == 422, response.text
    assert response.json()["type"] == "urn:clinic:problem:validation-error"
    return {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in response.json()["errors"]
    ]


async def test_registration_with_nul_in_the_name_is_refused_and_leaves_no_account(
    client: httpx.AsyncClient,
) -> None:
    refused = await client.post("/v1/auth/register", json={**PATIENT, "full_name": "a\u0000b"})
    assert named(refused, "body.full_name")
    # Nothing half-written: the same phone number registers afterwards.
    assert (await client.post("/v1/auth/register", json=PATIENT)).status_code == 201


async def test_a_lone_surrogate_is_refused(client: httpx.AsyncClient) -> None:
    text = json.dumps({**PATIENT, "full_name": "Amina \ud800"})
    refused = await client.post(
        "/v1/auth/register", content=text, headers={"content-type": "application/json"}
    )
    assert named(refused, "body.full_name", "string_unpaired_surrogate")


async def test_a_far_birth_date_is_refused(client: httpx.AsyncClient) -> None:
    far = await client.post("/v1/auth/register", json={**PATIENT, "date_of_birth": "9999-12-31"})
    assert named(far, "body.date_of_birth", "date_out_of_range")


async def test_clinic_names_with_nul_are_refused(client: httpx.AsyncClient, mint: Mint) -> None:
    body = {"name": "Kibera\u0000", "time_zone": "Africa/Nairobi"}
    assert named(await client.post("/v1/clinics", json=body, headers=mint(ORG_ADMIN)), "body.name")
    listed = await client.get("/v1/clinics", headers=mint(ORG_ADMIN))
    assert listed.json()["items"] == []


async def test_a_profile_update_with_nul_changes_nothing(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    await register()
    headers = bearer(await sign_in(PATIENT["phone"]))
    refused = await client.patch("/v1/me", json={"full_name": "x\u0000y"}, headers=headers)
    assert named(refused, "body.full_name")
    assert (await client.get("/v1/me", headers=headers)).json()["full_name"] == "Amina Odhiambo"


@pytest.mark.parametrize(
    ("path", "params", "field", "code"),
    [
        ("/v1/users", {"q": "am\u0000"}, "query.q", "string_contains_nul"),
        ("/v1/clinics", {"name": "\u0000"}, "query.name", "string_contains_nul"),
        (
            "/v1/audit-events",
            {"since": "9999-12-31T23:59:59-05:00"},
            "query.since",
            "date_out_of_range",
        ),
    ],
)
async def test_search_parameters_postgresql_would_refuse_are_field_errors(
    client: httpx.AsyncClient, mint: Mint, path: str, params: dict[str, str], field: str, code: str
) -> None:
    response = await client.get(path, params=params, headers=mint(ORG_ADMIN))
    assert named(response, field, code)


async def test_a_cursor_with_nul_inside_is_refused(client: httpx.AsyncClient, mint: Mint) -> None:
    # A forged cursor is base64 of JSON: NUL hides inside it, past any text check of the query.
    forged = base64.urlsafe_b64encode(json.dumps(["a\u0000", "x"]).encode()).decode()
    response = await client.get("/v1/clinics", params={"cursor": forged}, headers=mint(ORG_ADMIN))
    assert response.status_code == 400
    assert response.json()["type"] == "urn:clinic:problem:bad-cursor"


LONGEST_NAME = "\U0001f3e5" * 200


async def test_the_longest_clinic_name_fits_its_index_in_the_widest_characters(
    client: httpx.AsyncClient, mint: Mint
) -> None:
    # btree index entries end near 2,700 bytes: 200 four-byte characters are 800.
    body = {"name": LONGEST_NAME, "time_zone": "Africa/Nairobi"}
    response = await client.post("/v1/clinics", json=body, headers=mint(ORG_ADMIN))
    assert response.status_code == 201, response.text
    assert response.json()["name"] == LONGEST_NAME


async def test_a_clinic_name_one_character_longer_is_refused(
    client: httpx.AsyncClient, mint: Mint
) -> None:
    body = {"name": LONGEST_NAME + "x", "time_zone": "Africa/Nairobi"}
    longer = await client.post("/v1/clinics", json=body, headers=mint(ORG_ADMIN))
    assert longer.status_code == 422
