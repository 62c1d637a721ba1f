"""GET /v1/audit-events: who may read which entries, the filters, and cursor paging."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from identity.audit.service import record
from identity.settings import Settings
from servicekit.auth import Membership
from servicekit.db import create_engine, session_factory

from .support import ORG_ADMIN, Mint

URL = "/v1/audit-events"
CLINIC_A, CLINIC_B = uuid.uuid4(), uuid.uuid4()
ALICE, BOB = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def entries(settings: Settings) -> None:
    """Five entries, oldest first: two sign-ins (no clinic), then clinic A, B, A."""
    engine = create_engine(settings.database_url.get_secret_value())
    rows: list[tuple[str, str, uuid.UUID | None, uuid.UUID | None, uuid.UUID | None]] = [
        # action, outcome, actor, subject, clinic
        ("auth.sign_in", "success", ALICE, None, None),
        ("auth.sign_in", "failure", None, BOB, None),
        ("membership.granted", "success", ALICE, None, CLINIC_A),
        ("clinic.updated", "success", BOB, None, CLINIC_B),
        ("user.deactivated", "success", ALICE, None, CLINIC_A),
    ]
    for action, outcome, actor, subject, clinic in rows:
        async with session_factory(engine)() as session, session.begin():
            await record(
                session,
                action=action,
                outcome=outcome,
                actor_id=actor,
                subject_id=subject,
                clinic_id=clinic,
                client_address="203.0.113.7",
            )
    await engine.dispose()


def actions(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["action"] for item in response.json()["items"]]


async def test_an_org_admin_reads_everything_newest_first(
    client: httpx.AsyncClient, mint: Mint, entries: None
) -> None:
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
async def test_filters_narrow_the_result(
    client: httpx.AsyncClient, mint: Mint, entries: None, query: dict[str, str], expected: list[str]
) -> None:
    assert actions(await client.get(URL, params=query, headers=mint(ORG_ADMIN))) == expected


NAIROBI, LIMA = timezone(timedelta(hours=3)), timezone(timedelta(hours=-5))
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        (lambda now: {"since": (now - HOUR).astimezone(NAIROBI)}, 5),
        (lambda now: {"since": now.astimezone(NAIROBI)}, 0),
        (lambda now: {"until": now.astimezone(LIMA)}, 5),
        (lambda now: {"since": now - HOUR, "until": (now - HOUR).astimezone(LIMA)}, 0),
    ],
)
async def test_since_and_until_bound_the_time_in_any_offset(
    client: httpx.AsyncClient,
    mint: Mint,
    entries: None,
    bounds: Callable[[datetime], dict[str, datetime]],
    expected: int,
) -> None:
    params = {name: moment.isoformat() for name, moment in bounds(datetime.now(UTC)).items()}
    response = await client.get(URL, params=params, headers=mint(ORG_ADMIN))
    assert len(actions(response)) == expected


async def test_a_time_without_an_offset_is_a_field_error(
    client: httpx.AsyncClient, mint: Mint
) -> None:
    response = await client.get(
        URL, params={"since": "2026-11-24T10:00:00"}, headers=mint(ORG_ADMIN)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.since"


async def test_pages_follow_the_cursor_to_the_end(
    client: httpx.AsyncClient, mint: Mint, entries: None
) -> None:
    headers, cursor = mint(ORG_ADMIN), None
    seen: list[int] = []
    for _ in range(3):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(URL, params=params, headers=headers)).json()
        seen += [item["seq"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [5, 4, 3, 2, 1]
    assert cursor is None


@pytest.mark.parametrize("limit", [0, 201])
async def test_the_limit_is_bounded(client: httpx.AsyncClient, mint: Mint, limit: int) -> None:
    response = await client.get(URL, params={"limit": limit}, headers=mint(ORG_ADMIN))
    assert response.status_code == 422


@pytest.mark.parametrize(
    "cursor", ["not-a-cursor", "WyJ4Il0", "WyI5OTk5OTk5OTk5OTk5OTk5OTk5OTkiXQ"]
)
async def test_a_cursor_this_api_did_not_make_is_a_400(
    client: httpx.AsyncClient, mint: Mint, cursor: str
) -> None:
    response = await client.get(URL, params={"cursor": cursor}, headers=mint(ORG_ADMIN))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("params", [{}, {"clinic_id": str(CLINIC_A)}])
async def test_a_clinic_admin_reads_only_their_clinics_entries(
    client: httpx.AsyncClient, mint: Mint, entries: None, params: dict[str, str]
) -> None:
    headers = mint(Membership("clinic_admin", CLINIC_A))
    response = await client.get(URL, params=params, headers=headers)
    assert actions(response) == ["user.deactivated", "membership.granted"]


async def test_a_clinic_admin_asking_for_another_clinic_is_403(
    client: httpx.AsyncClient, mint: Mint, entries: None
) -> None:
    headers = mint(Membership("clinic_admin", CLINIC_A))
    response = await client.get(URL, params={"clinic_id": str(CLINIC_B)}, headers=headers)
    assert response.status_code == 403
    assert response.json()["type"] == "urn:clinic:problem:forbidden"


@pytest.mark.parametrize("role", ["patient", "provider", "receptionist"])
async def test_other_roles_are_403(client: httpx.AsyncClient, mint: Mint, role: str) -> None:
    membership = Membership(role, None if role == "patient" else CLINIC_A)
    response = await client.get(URL, headers=mint(membership))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_without_a_token_it_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(URL)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_an_unknown_filter_is_a_field_error_not_ignored(
    client: httpx.AsyncClient, mint: Mint
) -> None:
    response = await client.get(URL, params={"actor": str(ALICE)}, headers=mint(ORG_ADMIN))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.actor"
