"""GET /v1/audit-events/verification: the command's chain check through the API, a bounded
part per call, for organisation admins only."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from identity.audit.service import record
from identity.settings import Settings
from servicekit.auth import Membership
from servicekit.db import asyncpg_dsn, create_engine, session_factory
from sqlalchemy.engine import make_url

from .support import ORG_ADMIN, Mint

URL = "/v1/audit-events/verification"
Tamper = Callable[[str], Awaitable[None]]
ENTRIES = 7


@pytest.fixture
async def entries(settings: Settings) -> None:
    engine = create_engine(settings.database_url.get_secret_value())
    for n in range(ENTRIES):
        async with session_factory(engine)() as session, session.begin():
            await record(session, action="user.updated", details={"n": n})
    await engine.dispose()


@pytest.fixture
def tamper(postgres_admin_url: str, settings: Settings) -> Tamper:
    """Run SQL as a superuser with triggers off, as an attacker with full rights would."""
    database = make_url(settings.database_url.get_secret_value()).database
    dsn = asyncpg_dsn(postgres_admin_url, database)

    async def tamper(sql: str) -> None:
        connection = await asyncpg.connect(dsn)
        try:
            async with connection.transaction():
                await connection.execute("SET LOCAL session_replication_role = replica")
                await connection.execute(sql)
        finally:
            await connection.close()

    return tamper


async def verify(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_an_intact_log_is_reported_intact_with_its_newest_entry(
    client: httpx.AsyncClient, mint: Mint, entries: None
) -> None:
    admin = mint(ORG_ADMIN)
    result = await verify(client, admin)
    newest = (await client.get("/v1/audit-events", headers=admin)).json()["items"][0]
    assert result == {
        "intact": True,
        "complete": True,
        "checked": ENTRIES,
        "last_seq": newest["seq"],
        "last_hash": newest["hash"],
        "broken": None,
        "next_cursor": None,
    }


async def test_a_long_log_is_checked_a_part_at_a_time(
    client: httpx.AsyncClient, mint: Mint, entries: None
) -> None:
    admin = mint(ORG_ADMIN)
    parts: list[int] = []
    cursor = None
    while True:
        result = await verify(client, admin, limit=3, **({"cursor": cursor} if cursor else {}))
        parts.append(result["checked"])
        assert result["intact"]
        cursor = result["next_cursor"]
        if result["complete"]:
            assert cursor is None
            break
        assert cursor is not None
    assert parts == [3, 3, 1]  # the last call is told it reached the newest entry


async def test_an_edited_entry_is_found_and_named(
    client: httpx.AsyncClient, mint: Mint, entries: None, tamper: Tamper
) -> None:
    await tamper("""UPDATE identity.audit_events SET details = '{"n": 99}' WHERE seq = 5""")
    result = await verify(client, mint(ORG_ADMIN))
    assert (result["intact"], result["complete"], result["next_cursor"]) == (False, False, None)
    assert result["broken"]["seq"] == 5
    assert result["broken"]["reason"] == "edited"
    assert result["checked"] == 5  # up to and including the broken entry


async def test_a_deleted_entry_is_found_from_a_cursor_before_it(
    client: httpx.AsyncClient, mint: Mint, entries: None, tamper: Tamper
) -> None:
    admin = mint(ORG_ADMIN)
    first = await verify(client, admin, limit=2)
    await tamper("DELETE FROM identity.audit_events WHERE seq = 4")
    rest = await verify(client, admin, cursor=first["next_cursor"])
    assert rest["intact"] is False
    assert (rest["broken"]["seq"], rest["broken"]["reason"]) == (5, "unlinked")


async def test_a_limit_that_ends_on_the_newest_entry_is_complete(
    client: httpx.AsyncClient, mint: Mint, entries: None
) -> None:
    result = await verify(client, mint(ORG_ADMIN), limit=ENTRIES)
    assert (result["checked"], result["complete"], result["next_cursor"]) == (ENTRIES, True, None)


async def test_an_empty_log_is_intact(client: httpx.AsyncClient, mint: Mint) -> None:
    result = await verify(client, mint(ORG_ADMIN))
    assert (result["intact"], result["complete"], result["checked"], result["last_seq"]) == (
        True,
        True,
        0,
        None,
    )


@pytest.mark.parametrize(
    "memberships",
    [
        (Membership("clinic_admin", uuid.uuid4()),),
        (Membership("receptionist", uuid.uuid4()),),
        (Membership("patient"),),
    ],
)
async def test_only_organisation_admins_may_verify(
    client: httpx.AsyncClient, mint: Mint, entries: None, memberships: tuple[Membership, ...]
) -> None:
    response = await client.get(URL, headers=mint(*memberships))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_without_a_token_it_is_401(client: httpx.AsyncClient, entries: None) -> None:
    assert (await client.get(URL)).status_code == 401


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"cursor": "not-a-cursor"}, 400),
        ({"cursor": "WyIxIiwiMTIzIl0"}, 400),  # ["1","123"]: well-formed, but not a hash
        ({"limit": 0}, 422),
        ({"limit": 20_001}, 422),
        ({"since": "2026-01-01T00:00:00Z"}, 422),  # unknown parameters are refused
    ],
)
async def test_bad_parameters_are_problems(
    client: httpx.AsyncClient, mint: Mint, params: dict[str, Any], status: int
) -> None:
    response = await client.get(URL, params=params, headers=mint(ORG_ADMIN))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
