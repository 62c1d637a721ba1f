"""GET /v1/audit-events: who may read which entries, the filters, and cursor paging."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from identity.audit.service import record
from servicekit.auth import Membership
from servicekit.db import create_engine, session_factory

URL = "/v1/audit-events"
ORG_ADMIN = Membership("org_admin")
CLINIC_A, CLINIC_B = uuid.uuid4(), uuid.uuid4()
ALICE, BOB = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def entries(settings) -> None:
    """Five entries, oldest first: two sign-ins (no clinic), then clinic A, B, A."""
    engine = create_engine(settings.database_url.get_secret_value())
    rows = [
        {"action": "auth.sign_in", "actor_id": ALICE},
        {"action": "auth.sign_in", "outcome": "failure", "subject_id": BOB},
        {"action": "membership.granted", "actor_id": ALICE, "clinic_id": CLINIC_A},
        {"action": "clinic.updated", "actor_id": BOB, "clinic_id": CLINIC_B},
        {"action": "user.deactivated", "actor_id": ALICE, "clinic_id": CLINIC_A},
    ]
    for row in rows:
        async with session_factory(engine)() as session, session.begin():
            await record(session, client_address="203.0.113.7", **row)
    await engine.dispose()


def actions(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [item["action"] for item in response.json()["items"]]


async def test_an_org_admin_reads_everything_newest_first(client, mint, entries):
    response = await client.get(URL, headers=mint(ORG_ADMIN))
    assert actions(response) == [
        "user.deactivated",
        "clinic.updated",
        "membership.granted",
        "auth.sign_in",
        "auth.sign_in",
    ]
    newest = response.json()["items"][0]
    assert newest["seq"] == 5
    assert newest["clinic_id"] == str(CLINIC_A)
    assert newest["client_address"] == "203.0.113.7"
    assert newest["prev_hash"] == response.json()["items"][1]["hash"]
    assert response.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "auth.sign_in"}, ["auth.sign_in", "auth.sign_in"]),
        ({"outcome": "failure"}, ["auth.sign_in"]),
        ({"actor_id": str(ALICE)}, ["user.deactivated", "membership.granted", "auth.sign_in"]),
        ({"subject_id": str(BOB)}, ["auth.sign_in"]),
        ({"clinic_id": str(CLINIC_A)}, ["user.deactivated", "membership.granted"]),
        (
            {"actor_id": str(ALICE), "clinic_id": str(CLINIC_A), "action": "user.deactivated"},
            ["user.deactivated"],
        ),
    ],
)
async def test_filters_narrow_the_result(client, mint, entries, query, expected):
    assert actions(await client.get(URL, params=query, headers=mint(ORG_ADMIN))) == expected


async def test_since_and_until_bound_the_time_in_any_offset(client, mint, entries):
    now, hour = datetime.now(UTC), timedelta(hours=1)
    nairobi, lima = timezone(timedelta(hours=3)), timezone(timedelta(hours=-5))

    async def count(**bounds: datetime) -> int:
        params = {name: moment.isoformat() for name, moment in bounds.items()}
        return len(actions(await client.get(URL, params=params, headers=mint(ORG_ADMIN))))

    assert await count(since=(now - hour).astimezone(nairobi)) == 5
    assert await count(since=now.astimezone(nairobi)) == 0
    assert await count(until=now.astimezone(lima)) == 5
    assert await count(since=now - hour, until=(now - hour).astimezone(lima)) == 0


async def test_a_time_without_an_offset_is_a_field_error(client, mint):
    response = await client.get(
        URL, params={"since": "2026-11-24T10:00:00"}, headers=mint(ORG_ADMIN)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.since"


async def test_pages_follow_the_cursor_to_the_end(client, mint, entries):
    headers, seen, cursor = mint(ORG_ADMIN), [], None
    for _ in range(3):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(URL, params=params, headers=headers)).json()
        seen += [item["seq"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [5, 4, 3, 2, 1]
    assert cursor is None


@pytest.mark.parametrize("limit", [0, 201])
async def test_the_limit_is_bounded(client, mint, limit):
    response = await client.get(URL, params={"limit": limit}, headers=mint(ORG_ADMIN))
    assert response.status_code == 422


@pytest.mark.parametrize(
    "cursor", ["not-a-cursor", "WyJ4Il0", "WyI5OTk5OTk5OTk5OTk5OTk5OTk5OTkiXQ"]
)
async def test_a_cursor_this_api_did_not_make_is_a_400(client, mint, cursor):
    response = await client.get(URL, params={"cursor": cursor}, headers=mint(ORG_ADMIN))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_clinic_admin_reads_only_their_clinics_entries(client, mint, entries):
    headers = mint(Membership("clinic_admin", CLINIC_A))
    assert actions(await client.get(URL, headers=headers)) == [
        "user.deactivated",
        "membership.granted",
    ]
    filtered = await client.get(URL, params={"clinic_id": str(CLINIC_A)}, headers=headers)
    assert actions(filtered) == ["user.deactivated", "membership.granted"]


async def test_a_clinic_admin_asking_for_another_clinic_is_403(client, mint, entries):
    headers = mint(Membership("clinic_admin", CLINIC_A))
    response = await client.get(URL, params={"clinic_id": str(CLINIC_B)}, headers=headers)
    assert response.status_code == 403
    assert response.json()["type"] == "urn:clinic:problem:forbidden"


@pytest.mark.parametrize("role", ["patient", "provider", "receptionist"])
async def test_other_roles_are_403(client, mint, role):
    membership = Membership(role, None if role == "patient" else CLINIC_A)
    response = await client.get(URL, headers=mint(membership))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_without_a_token_it_is_401(client):
    response = await client.get(URL)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_an_unknown_filter_is_a_field_error_not_ignored(client, mint):
    response = await client.get(URL, params={"actor": str(ALICE)}, headers=mint(ORG_ADMIN))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.actor"
