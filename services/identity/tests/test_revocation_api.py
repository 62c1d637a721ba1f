"""What ends a session or takes access away is announced, and identity's own routes refuse the
tokens it covers (the identity app follows its own topic on the real broker)."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime
from typing import Any

import httpx
from clinic_contracts.identity import MembershipRevoked, SessionRevoked, UserDeactivated
from fastapi import FastAPI
from identity.settings import Settings
from identity.users import repository as users
from identity.users.models import User
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession

from .support import (
    DEADLINE_SECONDS,
    ORG_ADMIN,
    PASSWORD,
    PHONE,
    Mint,
    Register,
    SignIn,
    bearer,
    claims_of,
    refused,
    rows,
    staged,
)


async def new_staff(
    client: httpx.AsyncClient, mint: Mint, email: str, *grants: dict[str, Any]
) -> dict[str, Any]:
    body = {"full_name": "Staff", "email": email, "password": PASSWORD, "memberships": grants}
    response = await client.post("/v1/users", json=body, headers=mint(ORG_ADMIN))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def new_clinic(client: httpx.AsyncClient, mint: Mint) -> str:
    body = {"name": "Kibera", "time_zone": "Africa/Nairobi"}
    response = await client.post("/v1/clinics", json=body, headers=mint(ORG_ADMIN))
    return str(response.json()["id"])


async def test_access_tokens_name_their_session_and_their_issue_time_to_the_microsecond(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    await register()
    pair = await sign_in(PHONE)
    claims = claims_of(pair)
    assert uuid.UUID(claims["sid"])
    assert isinstance(claims["iat"], float)  # a NumericDate with its fraction
    refreshed = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    again = claims_of(refreshed.json())
    assert again["sid"] == claims["sid"]  # one refresh-token family, one session
    assert again["iat"] > claims["iat"]


async def test_a_signed_out_sessions_token_is_refused_and_another_session_is_not(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn, settings: Settings
) -> None:
    user = await register()
    pair = await sign_in(PHONE)
    other = await sign_in(PHONE)
    response = await client.post(
        "/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=bearer(pair)
    )
    assert response.status_code == 204

    answer = await refused(client, bearer(pair))
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["reason"] == "session-revoked"
    assert (await client.get("/v1/me", headers=bearer(other))).status_code == 200
    [event] = await staged(settings, "SessionRevoked")
    assert event["session_id"] == claims_of(pair)["sid"]
    assert (event["user_id"], event["reason"]) == (user["id"], "signed_out")


async def test_signing_out_everywhere_ends_every_session_once(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    pairs = [await sign_in(PHONE) for _ in range(3)]
    await client.post(
        "/v1/auth/logout",
        json={"refresh_token": pairs[0]["refresh_token"]},
        headers=bearer(pairs[1]),
    )
    everywhere = await client.post(
        "/v1/auth/logout", json={"everywhere": True}, headers=bearer(pairs[1])
    )
    assert everywhere.status_code == 204
    for pair in pairs:
        assert (await refused(client, bearer(pair))).json()["reason"] == "session-revoked"
    events = await staged(settings, "SessionRevoked")
    assert sorted((e["session_id"], e["reason"]) for e in events) == sorted(
        [(claims_of(pairs[0])["sid"], "signed_out")]
        + [(claims_of(p)["sid"], "signed_out_everywhere") for p in pairs[1:]]
    )


async def test_a_reused_refresh_token_ends_the_session_it_came_from(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    pair = await sign_in(PHONE)
    rotated = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    reused = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert reused.status_code == 401

    assert (await refused(client, bearer(rotated.json()))).json()["reason"] == "session-revoked"
    [event] = await staged(settings, "SessionRevoked")
    assert event["reason"] == "refresh_token_reused"


async def test_a_password_change_ends_every_session_and_a_new_sign_in_works(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    pair, other = await sign_in(PHONE), await sign_in(PHONE)
    new_password = "another long passphrase"
    body = {"current_password": PASSWORD, "new_password": new_password}
    assert (
        await client.post("/v1/me/password", json=body, headers=bearer(pair))
    ).status_code == 204

    for ended in (pair, other):
        assert (await refused(client, bearer(ended))).json()["reason"] == "session-revoked"
    fresh = await sign_in("+254712345678", new_password)
    assert (await client.get("/v1/me", headers=bearer(fresh))).status_code == 200
    reasons = {e["reason"] for e in await staged(settings, "SessionRevoked")}
    assert reasons == {"password_changed"}


async def deactivated_clinic_admin(
    client: httpx.AsyncClient, mint: Mint, sign_in: SignIn
) -> tuple[str, dict[str, Any]]:
    """A clinic admin's clinic and token pair, issued before the admin was deactivated."""
    clinic = await new_clinic(client, mint)
    admin = await new_staff(
        client, mint, "adm@example.org", {"role": "clinic_admin", "clinic_id": clinic}
    )
    pair = await sign_in("adm@example.org")
    deactivated = await client.post(f"/v1/users/{admin['id']}/deactivate", headers=mint(ORG_ADMIN))
    assert deactivated.status_code == 200
    return clinic, pair


async def test_a_deactivated_clinic_admin_can_no_longer_create_staff(
    client: httpx.AsyncClient, mint: Mint, sign_in: SignIn, settings: Settings
) -> None:
    clinic, pair = await deactivated_clinic_admin(client, mint, sign_in)
    assert (await refused(client, bearer(pair))).json()["reason"] == "account-deactivated"
    body = {
        "full_name": "Accomplice",
        "email": "accomplice@example.org",
        "password": "a password the dismissed admin chose",
        "memberships": [{"role": "clinic_admin", "clinic_id": clinic}],
    }
    created = await client.post("/v1/users", json=body, headers=bearer(pair))
    assert created.status_code == 401
    assert (
        await rows(settings, "SELECT 1 FROM identity.users WHERE email = :e", e=body["email"]) == []
    )


async def test_a_deactivation_is_announced_after_the_tokens_it_covers(
    client: httpx.AsyncClient, mint: Mint, sign_in: SignIn, settings: Settings
) -> None:
    _, pair = await deactivated_clinic_admin(client, mint, sign_in)
    [event] = await staged(settings, "UserDeactivated")
    revoked_at = UserDeactivated.model_validate(event).deactivated_at
    assert revoked_at is not None
    assert revoked_at.timestamp() > claims_of(pair)["iat"]


async def receptionist_whose_role_was_revoked(
    client: httpx.AsyncClient, mint: Mint, sign_in: SignIn
) -> dict[str, Any]:
    """A receptionist's token pair, issued before their only role was revoked."""
    clinic = await new_clinic(client, mint)
    staff = await new_staff(
        client, mint, "rec@example.org", {"role": "receptionist", "clinic_id": clinic}
    )
    pair = await sign_in("rec@example.org")
    membership = staff["memberships"][0]["id"]
    path = f"/v1/users/{staff['id']}/memberships/{membership}"
    assert (await client.delete(path, headers=mint(ORG_ADMIN))).status_code == 204
    return pair


async def test_a_revoked_roles_tokens_are_refused(
    client: httpx.AsyncClient, mint: Mint, sign_in: SignIn
) -> None:
    pair = await receptionist_whose_role_was_revoked(client, mint, sign_in)
    assert (await refused(client, bearer(pair))).json()["reason"] == "role-revoked"


async def test_after_a_role_is_revoked_the_refreshed_token_works_without_it(
    client: httpx.AsyncClient, mint: Mint, sign_in: SignIn, settings: Settings
) -> None:
    pair = await receptionist_whose_role_was_revoked(client, mint, sign_in)
    refreshed = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200
    assert claims_of(refreshed.json())["roles"] == []
    assert (await client.get("/v1/me", headers=bearer(refreshed.json()))).status_code == 200
    [event] = await staged(settings, "MembershipRevoked")
    revoked_at = MembershipRevoked.model_validate(event).revoked_at
    assert revoked_at is not None
    assert claims_of(pair)["iat"] < revoked_at.timestamp() < claims_of(refreshed.json())["iat"]


async def test_a_role_granted_again_works_in_tokens_issued_after(
    client: httpx.AsyncClient, mint: Mint, sign_in: SignIn
) -> None:
    clinic = await new_clinic(client, mint)
    grant = {"role": "receptionist", "clinic_id": clinic}
    staff = await new_staff(client, mint, "rec@example.org", grant)
    pair = await sign_in("rec@example.org")
    path = f"/v1/users/{staff['id']}/memberships"
    revoke = await client.delete(f"{path}/{staff['memberships'][0]['id']}", headers=mint(ORG_ADMIN))
    assert revoke.status_code == 204
    assert (await client.post(path, json=grant, headers=mint(ORG_ADMIN))).status_code == 201
    assert (await refused(client, bearer(pair))).json()["reason"] == "role-revoked"

    # Refreshed at once, most likely within the second of the revocation.
    refreshed = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert claims_of(refreshed.json())["roles"] == [grant]
    assert (await client.get("/v1/users", headers=bearer(refreshed.json()))).status_code == 200


async def test_a_refresh_racing_a_deactivation_waits_for_it_and_is_refused(
    app: FastAPI, client: httpx.AsyncClient, register: Register, sign_in: SignIn
) -> None:
    # Without the lock, the refresh would read the account as active, then take an issue time
    # after the deactivation's: a token no revocation covers. The lock orders the two.
    user = await register()
    pair = await sign_in(PHONE)
    runtime = app.state.runtime
    async with runtime.sessions() as session, session.begin():
        at = await users.lock_for_revoking(session, uuid.UUID(user["id"]))
        await session.execute(
            update(User)
            .where(User.id == uuid.UUID(user["id"]))
            .values(active=False, deactivated_at=at)
        )
        refresh = asyncio.create_task(
            client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        )
        await waiting_on_a_lock(session)
    assert (await refresh).status_code == 401


async def waiting_on_a_lock(session: AsyncSession) -> None:
    """Until another backend of the service waits on a lock (the refresh reached the user row)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND pid <> pg_backend_pid()"
    )
    while (await session.execute(query)).scalar_one() == 0:
        assert time.monotonic() < deadline, "the refresh never waited on the user's row"
        # Activity is read once per transaction unless the snapshot is dropped: without this,
        # a first look taken before the refresh got there would be all this loop ever sees.
        await session.execute(text("SELECT pg_stat_clear_snapshot()"))
        await asyncio.sleep(0.02)


async def test_session_revocations_are_published_with_their_instant(
    client: httpx.AsyncClient, register: Register, sign_in: SignIn, settings: Settings
) -> None:
    await register()
    pair = await sign_in(PHONE)
    await client.post("/v1/auth/logout", json={"everywhere": True}, headers=bearer(pair))
    [event] = await staged(settings, "SessionRevoked")
    ended = SessionRevoked.model_validate(event)
    assert isinstance(ended.revoked_at, datetime)
    assert ended.revoked_at.timestamp() > claims_of(pair)["iat"]
