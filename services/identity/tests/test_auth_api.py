"""Registration, sign-in, refresh rotation and reuse detection, sign-out, deactivation."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from identity.security.keys import rotate
from identity.settings import Settings

from .support import ORG_ADMIN, PASSWORD, PHONE, Mint, Register, SignIn, bearer, rows

NEW_PASSWORD = "another long passphrase"


async def refresh(client: httpx.AsyncClient, pair: dict[str, Any]) -> httpx.Response:
    return await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})


async def change_password(
    client: httpx.AsyncClient, pair: dict[str, Any], current: str, new: str
) -> httpx.Response:
    body = {"current_password": current, "new_password": new}
    return await client.post("/v1/me/password", json=body, headers=bearer(pair))


async def test_a_registered_patient_is_shown_without_any_password(register: Register) -> None:
    user = await register(email="Amina@Example.org", consent={"sms": True, "whatsapp": False})
    assert user["kind"] == "patient"
    assert user["consent"] == {"sms": True, "whatsapp": False}
    assert "password" not in str(user)
    assert "hash" not in str(user)


async def test_any_spelling_of_the_phone_number_signs_in(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    user = await register()
    pair = await sign_in("+254 712 345 678")
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] <= 900
    me = await client.get("/v1/me", headers=bearer(pair))
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]


async def test_the_email_in_any_case_signs_in_too(register: Register, sign_in: SignIn) -> None:
    await register(email="Amina@Example.org")
    by_phone = await sign_in(PHONE)
    by_email = await sign_in("amina@example.org")
    assert by_email["access_token"] != by_phone["access_token"]


async def test_registration_announces_the_user_without_their_birth_date(
    register: Register, settings: Settings
) -> None:
    user = await register(
        email="Amina@Example.org",
        date_of_birth="1990-03-14",
        consent={"sms": True, "whatsapp": False},
    )
    [(payload,)] = await rows(
        settings,
        "SELECT envelope->'payload' FROM identity.outbox WHERE event_type = 'UserRegistered'",
    )
    assert payload["user_id"] == user["id"]
    assert payload["phone"] == PHONE
    assert payload["consent"]["sms"] is True
    assert "date_of_birth" not in payload  # events carry only what consumers need


async def test_access_tokens_follow_rfc_8725(
    register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    pair = await sign_in(PHONE)
    header = jwt.get_unverified_header(pair["access_token"])
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})

    assert header["alg"] == "EdDSA"
    assert header["kid"]
    assert {"iss", "aud", "exp", "iat", "nbf", "jti", "sub", "sid", "roles"} <= set(claims)
    assert claims["iss"] == settings.jwt_issuer
    assert claims["aud"] == settings.jwt_audience
    assert claims["exp"] - claims["iat"] <= 900
    assert claims["roles"] == [{"role": "patient", "clinic_id": None}]


async def test_only_a_digest_of_a_refresh_token_is_kept(
    register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    pair = await sign_in(PHONE)
    assert pair["refresh_token"].startswith("rt_")
    stored = await rows(settings, "SELECT token_hash FROM identity.refresh_tokens")
    assert pair["refresh_token"].encode() not in stored[0][0]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("phone", "0712345678", "phone"),
        ("phone", "+1555", "phone"),
        ("email", "not-an-email", "email"),
        ("date_of_birth", "2999-01-01", "date_of_birth"),
        ("preferred_language", "english!", "preferred_language"),
        ("preferred_language", "zz-ZZZZ", "preferred_language"),  # not a language of messages
        ("full_name", "   ", "full_name"),
        ("role", "org_admin", "role"),  # unknown fields are refused, not ignored
    ],
)
async def test_bad_registrations_are_refused_field_by_field(
    client: httpx.AsyncClient, field: str, value: str, expected: str
) -> None:
    body = {"full_name": "Amina", "phone": PHONE, "password": PASSWORD, field: value}
    response = await client.post("/v1/auth/register", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = [error["field"] for error in response.json()["errors"]]
    assert any(expected in name for name in fields), fields
    assert value not in response.text or value == "org_admin"  # input is not echoed


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "too_short"),
        ("passwordpassword", "breached"),
        ("aaaaaaaaaaaaaaaa", "repeated"),
        ("Amina Odhiambo 2024", "personal_data"),
        ("qwertyuiop123", "breached"),  # issue 16's examples
        ("AminaOdhiambo2026", "personal_data"),
    ],
)
async def test_weak_passwords_are_refused_saying_why(
    client: httpx.AsyncClient, settings: Settings, password: str, reason: str
) -> None:
    body = {"full_name": "Amina Odhiambo", "phone": PHONE, "password": password}
    response = await client.post("/v1/auth/register", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:clinic:problem:weak-password"
    assert reason in [e["code"] for e in problem["errors"]]
    assert {e["field"] for e in problem["errors"]} == {"password"}
    assert all(e["message"] in problem["detail"] for e in problem["errors"])
    assert problem["suggestions"]  # what to do instead
    assert password not in response.text or password == "short"  # never echoed (but "too_short")
    assert await rows(settings, "SELECT id FROM identity.users") == []


async def test_the_password_rules_are_published_before_anyone_signs_up(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/auth/password-policy")
    assert response.status_code == 200
    policy = response.json()
    assert (policy["min_length"], policy["max_length"], policy["min_score"]) == (12, 128, 3)
    assert any("leaked" in rule for rule in policy["rules"])


async def test_the_password_field_points_to_the_published_rules(
    client: httpx.AsyncClient,
) -> None:
    openapi = (await client.get("/openapi.json")).json()
    schema = openapi["components"]["schemas"]["PatientRegister"]["properties"]["password"]
    assert "password-policy" in schema["description"]


async def test_unknown_user_and_wrong_password_get_the_same_answer(
    client: httpx.AsyncClient, register: Register, settings: Settings
) -> None:
    await register()
    wrong = await client.post(
        "/v1/auth/token", json={"username": PHONE, "password": "not the password!"}
    )
    unknown = await client.post(
        "/v1/auth/token", json={"username": "+254799999999", "password": "not the password!"}
    )
    assert wrong.status_code == unknown.status_code == 401
    strip = {"instance"}
    assert {k: v for k, v in wrong.json().items() if k not in strip} == {
        k: v for k, v in unknown.json().items() if k not in strip
    }
    reasons = await rows(
        settings,
        "SELECT details->>'reason' FROM identity.audit_events "
        "WHERE action = 'auth.sign_in' AND outcome = 'failure' ORDER BY seq",
    )
    assert reasons == [("wrong_password",), ("unknown_account",)]


async def fail_to_lockout(client: httpx.AsyncClient, settings: Settings) -> None:
    """As many wrong passwords for the registered patient as lock the account out."""
    for _ in range(settings.login_account_max_failures):
        response = await client.post(
            "/v1/auth/token", json={"username": PHONE, "password": "wrong password!!"}
        )
        assert response.status_code == 401


async def test_sign_in_is_throttled_per_account(
    client: httpx.AsyncClient, register: Register, settings: Settings
) -> None:
    await register()
    await fail_to_lockout(client, settings)
    blocked = await client.post("/v1/auth/token", json={"username": PHONE, "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["type"] == "urn:clinic:problem:sign-in-throttled"
    assert 0 < int(blocked.headers["retry-after"]) <= settings.login_lockout_seconds


async def test_a_locked_out_account_leaves_others_from_the_same_address_signing_in(
    client: httpx.AsyncClient, register: Register, settings: Settings
) -> None:
    await register()
    await fail_to_lockout(client, settings)
    await client.post(
        "/v1/auth/register",
        json={"full_name": "Baraka", "phone": "+254722000000", "password": PASSWORD},
    )
    other = await client.post(
        "/v1/auth/token", json={"username": "+254722000000", "password": PASSWORD}
    )
    assert other.status_code == 200


async def test_sign_in_is_throttled_per_client_address(
    client: httpx.AsyncClient, register: Register, settings: Settings
) -> None:
    await register()
    attempts = settings.login_address_max_failures
    for number in range(attempts):  # a different (unknown) account every time
        response = await client.post(
            "/v1/auth/token",
            json={"username": f"+2547330{number:05d}", "password": "guessing guessing"},
        )
        assert response.status_code == 401
    blocked = await client.post("/v1/auth/token", json={"username": PHONE, "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0


async def test_refresh_rotates_the_refresh_token(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    await register()
    first = await sign_in(PHONE)
    rotated = await refresh(client, first)
    assert rotated.status_code == 200
    assert rotated.json()["refresh_token"] != first["refresh_token"]
    assert rotated.headers["cache-control"] == "no-store"


async def test_a_reused_refresh_token_revokes_its_family(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    first = await sign_in(PHONE)
    second = (await refresh(client, first)).json()
    # The first token comes back (stolen copy): refused, and the whole family dies with it.
    assert (await refresh(client, first)).status_code == 401
    assert (await refresh(client, second)).status_code == 401
    [(count,)] = await rows(
        settings, "SELECT count(*) FROM identity.audit_events WHERE action = 'auth.refresh_reuse'"
    )
    assert count == 1


async def test_a_revoked_family_leaves_the_users_other_sessions_working(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    await register()
    first = await sign_in(PHONE)
    await refresh(client, first)
    assert (await refresh(client, first)).status_code == 401  # reused: its family is revoked
    other = await sign_in(PHONE)
    assert (await refresh(client, other)).status_code == 200


async def test_concurrent_uses_of_one_refresh_token_yield_one_new_pair(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    await register()
    pair = await sign_in(PHONE)
    responses = await asyncio.gather(*(refresh(client, pair) for _ in range(4)))
    assert sorted(r.status_code for r in responses) == [200, 401, 401, 401]


async def test_unknown_refresh_tokens_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/auth/refresh", json={"refresh_token": "rt_made-up"})
    assert response.status_code == 401
    assert response.json()["type"] == "urn:clinic:problem:invalid-refresh-token"


async def test_logout_ends_the_session_and_no_other(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    await register()
    pair = await sign_in(PHONE)
    other = await sign_in(PHONE)
    response = await client.post(
        "/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=bearer(pair)
    )
    assert response.status_code == 204
    assert (await refresh(client, pair)).status_code == 401
    assert (await refresh(client, other)).status_code == 200
    # The signed-out session's access token is refused too; see test_revocation_api.py.


async def test_logout_everywhere_ends_every_session(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    await register()
    pair = await sign_in(PHONE)
    kept = (await refresh(client, await sign_in(PHONE))).json()
    everywhere = await client.post(
        "/v1/auth/logout", json={"everywhere": True}, headers=bearer(kept)
    )
    assert everywhere.status_code == 204
    assert (await refresh(client, kept)).status_code == 401
    assert (await refresh(client, pair)).status_code == 401


async def test_logout_needs_an_access_token(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/auth/logout", json={"everywhere": True})
    assert response.status_code == 401


async def deactivate(client: httpx.AsyncClient, mint: Mint, user: dict[str, Any]) -> None:
    response = await client.post(f"/v1/users/{user['id']}/deactivate", headers=mint(ORG_ADMIN))
    assert response.status_code == 200
    assert response.json()["active"] is False


async def test_a_deactivated_user_cannot_sign_in(
    client: httpx.AsyncClient, register: Register, mint: Mint
) -> None:
    await deactivate(client, mint, await register())
    login = await client.post("/v1/auth/token", json={"username": PHONE, "password": PASSWORD})
    assert login.status_code == 401
    assert login.json()["detail"] == "The username or password is wrong."


async def test_a_deactivated_user_cannot_refresh(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn, mint: Mint
) -> None:
    user = await register()
    pair = await sign_in(PHONE)
    await deactivate(client, mint, user)
    assert (await refresh(client, pair)).status_code == 401


async def test_a_deactivation_is_announced_and_audited(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn, mint: Mint, settings: Settings
) -> None:
    user = await register()
    await sign_in(PHONE)
    await deactivate(client, mint, user)
    events = await rows(
        settings, "SELECT event_type FROM identity.outbox WHERE event_type = 'UserDeactivated'"
    )
    assert events == [("UserDeactivated",)]
    actions = {a for (a,) in await rows(settings, "SELECT action FROM identity.audit_events")}
    assert {"user.deactivated", "auth.sign_in"} <= actions


async def test_a_password_change_needs_the_current_password(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    await register()
    pair = await sign_in(PHONE)
    wrong = await change_password(client, pair, "not it at all!!", NEW_PASSWORD)
    assert wrong.status_code == 403


async def test_a_weak_new_password_is_refused_naming_its_field(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    await register()
    pair = await sign_in(PHONE)
    weak = await change_password(client, pair, PASSWORD, "Amina0712345678")
    assert weak.status_code == 422
    errors = weak.json()["errors"]
    assert {e["field"] for e in errors} == {"new_password"}
    assert "personal_data" in [e["code"] for e in errors]


async def test_changing_the_password_signs_out_other_sessions(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    await register()
    pair = await sign_in(PHONE)
    assert (await change_password(client, pair, PASSWORD, NEW_PASSWORD)).status_code == 204
    assert (await refresh(client, pair)).status_code == 401
    await sign_in(PHONE, NEW_PASSWORD)


def refetch_jwks(app: FastAPI, *, forget_keys: bool = False) -> None:
    """Let the verifier fetch the JWKS again: it does so at most every 10 s."""
    app.state.verifier._fetched_at = float("-inf")
    if forget_keys:
        app.state.verifier._keys = {}


async def test_after_a_rotation_the_previous_keys_tokens_still_verify(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    before = await sign_in(PHONE)
    old_kid = jwt.get_unverified_header(before["access_token"])["kid"]
    new_key = rotate(settings.keys_dir)

    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert [key["kid"] for key in jwks["keys"]] == [new_key.kid, old_kid]
    assert (await client.get("/v1/me", headers=bearer(before))).status_code == 200


async def test_after_a_rotation_new_tokens_are_signed_with_the_new_key(
    app: FastAPI, client: httpx.AsyncClient, register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    await client.get("/v1/me", headers=bearer(await sign_in(PHONE)))  # the JWKS is fetched
    new_key = rotate(settings.keys_dir)
    after = await sign_in(PHONE)
    assert jwt.get_unverified_header(after["access_token"])["kid"] == new_key.kid
    refetch_jwks(app)
    assert (await client.get("/v1/me", headers=bearer(after))).status_code == 200


async def test_two_rotations_later_the_first_keys_tokens_are_refused(
    app: FastAPI, client: httpx.AsyncClient, register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    before = await sign_in(PHONE)
    assert (await client.get("/v1/me", headers=bearer(before))).status_code == 200
    rotate(settings.keys_dir)
    rotate(settings.keys_dir)
    refetch_jwks(app, forget_keys=True)
    assert (await client.get("/v1/me", headers=bearer(before))).status_code == 401


async def test_a_deactivated_users_access_token_expires_within_the_lifetime(
    register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    pair = await sign_in(PHONE)
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= settings.access_token_ttl_seconds <= 900
    assert uuid.UUID(claims["sub"])
