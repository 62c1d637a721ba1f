"""Registration, sign-in, refresh rotation and reuse detection, sign-out, deactivation."""

from __future__ import annotations

import asyncio
import uuid

import jwt
import pytest
from servicekit.auth import Membership
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

ORG_ADMIN = Membership("org_admin")
PASSWORD = "a long enough passphrase"


def bearer(pair: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def rows(settings, sql: str, **params) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    engine = create_async_engine(settings.database_url.get_secret_value())
    async with engine.connect() as connection:
        result = [tuple(r) for r in await connection.execute(text(sql), params)]
    await engine.dispose()
    return result


async def test_a_patient_registers_signs_in_and_reads_their_account(
    client, register, sign_in, settings
):
    user = await register(email="Amina@Example.org", consent={"sms": True, "whatsapp": False})
    assert user["kind"] == "patient"
    assert user["consent"] == {"sms": True, "whatsapp": False}
    assert "password" not in str(user)
    assert "hash" not in str(user)

    pair = await sign_in("+254 712 345 678")  # any spelling of the number signs in
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] <= 900
    me = await client.get("/v1/me", headers=bearer(pair))
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]

    by_email = await sign_in("amina@example.org")
    assert by_email["access_token"] != pair["access_token"]

    [(payload,)] = await rows(
        settings,
        "SELECT envelope->'payload' FROM identity.outbox WHERE event_type = 'UserRegistered'",
    )
    assert payload["user_id"] == user["id"]
    assert payload["phone"] == "+254712345678"
    assert payload["consent"]["sms"] is True
    assert "date_of_birth" not in payload  # events carry only what consumers need


async def test_access_tokens_follow_rfc_8725(register, sign_in, settings):
    await register()
    pair = await sign_in("+254712345678")
    header = jwt.get_unverified_header(pair["access_token"])
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})

    assert header["alg"] == "EdDSA"
    assert header["kid"]
    assert {"iss", "aud", "exp", "iat", "nbf", "jti", "sub", "sid", "roles"} <= set(claims)
    assert claims["iss"] == settings.jwt_issuer
    assert claims["aud"] == settings.jwt_audience
    assert claims["exp"] - claims["iat"] <= 900
    assert claims["roles"] == [{"role": "patient", "clinic_id": None}]
    assert pair["refresh_token"].startswith("rt_")
    stored = await rows(settings, "SELECT token_hash FROM identity.refresh_tokens")
    assert pair["refresh_token"].encode() not in stored[0][0]  # only a digest is kept


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
async def test_bad_registrations_are_refused_field_by_field(client, field, value, expected):
    body = {"full_name": "Amina", "phone": "+254712345678", "password": PASSWORD, field: value}
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
async def test_weak_passwords_are_refused_saying_why(client, settings, password, reason):
    body = {"full_name": "Amina Odhiambo", "phone": "+254712345678", "password": password}
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


async def test_the_password_rules_are_published_before_anyone_signs_up(client):
    response = await client.get("/v1/auth/password-policy")
    assert response.status_code == 200
    policy = response.json()
    assert (policy["min_length"], policy["max_length"], policy["min_score"]) == (12, 128, 3)
    assert any("leaked" in rule for rule in policy["rules"])
    openapi = (await client.get("/openapi.json")).json()
    schema = openapi["components"]["schemas"]["PatientRegister"]["properties"]["password"]
    assert "password-policy" in schema["description"]


async def test_unknown_user_and_wrong_password_get_the_same_answer(client, register, settings):
    await register()
    wrong = await client.post(
        "/v1/auth/token", json={"username": "+254712345678", "password": "not the password!"}
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


async def test_sign_in_is_throttled_per_account(client, register, settings):
    await register()
    for _ in range(settings.login_account_max_failures):
        response = await client.post(
            "/v1/auth/token", json={"username": "+254712345678", "password": "wrong password!!"}
        )
        assert response.status_code == 401
    blocked = await client.post(
        "/v1/auth/token", json={"username": "+254712345678", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert blocked.json()["type"] == "urn:clinic:problem:sign-in-throttled"
    assert 0 < int(blocked.headers["retry-after"]) <= settings.login_lockout_seconds
    # The lockout is per account: another account from the same address still signs in.
    await client.post(
        "/v1/auth/register",
        json={"full_name": "Baraka", "phone": "+254722000000", "password": PASSWORD},
    )
    other = await client.post(
        "/v1/auth/token", json={"username": "+254722000000", "password": PASSWORD}
    )
    assert other.status_code == 200


async def test_sign_in_is_throttled_per_client_address(app, client, register, settings):
    await register()
    attempts = settings.login_address_max_failures
    for number in range(attempts):  # a different (unknown) account every time
        response = await client.post(
            "/v1/auth/token",
            json={"username": f"+2547330{number:05d}", "password": "guessing guessing"},
        )
        assert response.status_code == 401
    blocked = await client.post(
        "/v1/auth/token", json={"username": "+254712345678", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0


async def test_refresh_rotates_and_a_reused_token_revokes_the_family(
    client, register, sign_in, settings
):
    await register()
    first = await sign_in("+254712345678")
    rotated = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert rotated.headers["cache-control"] == "no-store"

    # The first token comes back (stolen copy): refused, and the whole family dies with it.
    reused = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    after = await client.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401
    [(count,)] = await rows(
        settings, "SELECT count(*) FROM identity.audit_events WHERE action = 'auth.refresh_reuse'"
    )
    assert count == 1

    # Another session of the same user is a different family and keeps working.
    other = await sign_in("+254712345678")
    assert (
        await client.post("/v1/auth/refresh", json={"refresh_token": other["refresh_token"]})
    ).status_code == 200


async def test_concurrent_uses_of_one_refresh_token_yield_one_new_pair(client, register, sign_in):
    await register()
    pair = await sign_in("+254712345678")
    responses = await asyncio.gather(
        *(
            client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
            for _ in range(4)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 401, 401, 401]


async def test_unknown_refresh_tokens_are_refused(client):
    response = await client.post("/v1/auth/refresh", json={"refresh_token": "rt_made-up"})
    assert response.status_code == 401
    assert response.json()["type"] == "urn:clinic:problem:invalid-refresh-token"


async def test_logout_ends_the_session(client, register, sign_in):
    await register()
    pair = await sign_in("+254712345678")
    other = await sign_in("+254712345678")
    response = await client.post(
        "/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=bearer(pair)
    )
    assert response.status_code == 204
    refused = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refused.status_code == 401
    kept = await client.post("/v1/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert kept.status_code == 200

    # The signed-out session's access token is refused too; see test_revocation_api.py.
    everywhere = await client.post(
        "/v1/auth/logout", json={"everywhere": True}, headers=bearer(kept.json())
    )
    assert everywhere.status_code == 204
    gone = await client.post(
        "/v1/auth/refresh", json={"refresh_token": kept.json()["refresh_token"]}
    )
    assert gone.status_code == 401


async def test_logout_needs_an_access_token(client):
    response = await client.post("/v1/auth/logout", json={"everywhere": True})
    assert response.status_code == 401


async def test_a_deactivated_user_cannot_sign_in_or_refresh(
    client, register, sign_in, mint, settings
):
    user = await register()
    pair = await sign_in("+254712345678")
    response = await client.post(f"/v1/users/{user['id']}/deactivate", headers=mint(ORG_ADMIN))
    assert response.status_code == 200
    assert response.json()["active"] is False

    login = await client.post(
        "/v1/auth/token", json={"username": "+254712345678", "password": PASSWORD}
    )
    assert login.status_code == 401
    assert login.json()["detail"] == "The username or password is wrong."
    refresh = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refresh.status_code == 401
    events = await rows(
        settings, "SELECT event_type FROM identity.outbox WHERE event_type = 'UserDeactivated'"
    )
    assert events == [("UserDeactivated",)]
    actions = {a for (a,) in await rows(settings, "SELECT action FROM identity.audit_events")}
    assert {"user.deactivated", "auth.sign_in"} <= actions


async def test_changing_the_password_signs_out_other_sessions(client, register, sign_in):
    await register()
    pair = await sign_in("+254712345678")
    wrong = await client.post(
        "/v1/me/password",
        json={"current_password": "not it at all!!", "new_password": "another long passphrase"},
        headers=bearer(pair),
    )
    assert wrong.status_code == 403
    weak = await client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "Amina0712345678"},
        headers=bearer(pair),
    )
    assert weak.status_code == 422
    errors = weak.json()["errors"]
    assert {e["field"] for e in errors} == {"new_password"}
    assert "personal_data" in [e["code"] for e in errors]
    changed = await client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "another long passphrase"},
        headers=bearer(pair),
    )
    assert changed.status_code == 204
    refresh = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refresh.status_code == 401
    await sign_in("+254712345678", "another long passphrase")


async def test_tokens_of_the_previous_key_verify_after_a_rotation(
    app, client, register, sign_in, settings
):
    from identity.keys import rotate

    await register()
    before = await sign_in("+254712345678")
    old_kid = jwt.get_unverified_header(before["access_token"])["kid"]
    new_key = rotate(settings.keys_dir)

    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert [key["kid"] for key in jwks["keys"]] == [new_key.kid, old_kid]
    assert (await client.get("/v1/me", headers=bearer(before))).status_code == 200
    after = await sign_in("+254712345678")
    assert jwt.get_unverified_header(after["access_token"])["kid"] == new_key.kid
    # The verifier refetches the JWKS at most every 10 s; ours fetched it just now.
    app.state.verifier._fetched_at = float("-inf")
    assert (await client.get("/v1/me", headers=bearer(after))).status_code == 200

    rotate(settings.keys_dir)  # two rotations later the first key is gone
    app.state.verifier._fetched_at = float("-inf")
    app.state.verifier._keys = {}
    assert (await client.get("/v1/me", headers=bearer(before))).status_code == 401


async def test_a_deactivated_users_access_token_expires_within_the_lifetime(
    register, sign_in, settings
):
    await register()
    pair = await sign_in("+254712345678")
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= settings.access_token_ttl_seconds <= 900
    assert uuid.UUID(claims["sub"])
