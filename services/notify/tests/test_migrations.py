"""Notify's migrations on rows written before them: template languages and planned times.

Each test migrates a database of its own to 0002 (the schema before these changes), writes
rows the old code could have written, migrates to the head, and looks at what became of them.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import notify
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from notify.models import metadata
from servicekit.db import create_engine
from servicekit.migrations import alembic_config, upgrade
from servicekit.testing.databases import ServiceDatabases
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(notify.__file__).parent / "migrations"
BEFORE = "0002"
CHANGED_TABLES = ("messages", "message_templates")


@dataclass
class Database:
    url: str
    engine: AsyncEngine

    async def migrate(self, revision: str = "head") -> None:
        await asyncio.to_thread(upgrade, MIGRATIONS, self.url, revision)

    async def downgrade(self, revision: str) -> None:
        await asyncio.to_thread(command.downgrade, alembic_config(MIGRATIONS, self.url), revision)


@pytest.fixture
async def old(postgres_admin_url: str) -> AsyncIterator[Database]:
    """Notify's schema migrated to 0002, in a database of its own."""
    databases = ServiceDatabases(postgres_admin_url, f"test_migrations_{uuid.uuid4().hex[:8]}")

    async def to_before(service: str, url: str) -> None:
        await asyncio.to_thread(upgrade, MIGRATIONS, url, BEFORE)

    url = await databases("notify", to_before)
    engine = create_engine(url, pool_size=1)
    try:
        yield Database(url, engine)
    finally:
        await engine.dispose()
        await databases.drop()


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(text(sql), params)).all())


async def write(engine: AsyncEngine, sql: str, values: list[dict[str, Any]]) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(sql), values)


class Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def differences(connection: Connection) -> list[Any]:
    """What Alembic would change in the tables these migrations touch to match the models."""
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": _in_changed_tables}
    )
    return list(compare_metadata(context, metadata))


def _in_changed_tables(thing: Any, name: str | None, kind: str, *_: Any) -> bool:
    table = thing if kind == "table" else getattr(thing, "table", None)
    return table is None or table.name in CHANGED_TABLES


# --- template languages --------------------------------------------------------------------

TEMPLATE = """INSERT INTO notify.message_templates (clinic_id, kind, language, body, updated_at)
VALUES (:clinic, :kind, :language, :body, :at)"""


async def test_templates_end_up_in_their_language_or_are_reported_and_removed(
    old: Database,
) -> None:
    clinic, now = uuid.uuid4(), datetime.now(UTC)
    legacy = [
        ("confirmation", "zz-ZZZZ", "zz", now),
        ("confirmation", "de", "German", now),
        ("confirmation", "sw-KE", "Kenyan Swahili", now),  # alone: becomes sw
        ("reminder", "sw", "Swahili", now - timedelta(days=9)),  # plain language kept ...
        ("reminder", "sw-TZ", "Tanzanian Swahili", now),  # ... over a newer regional one
        ("reminder", "fr-CA", "Canadian French", now - timedelta(days=1)),
        ("reminder", "fr-BE", "Belgian French", now),  # the latest of two regional ones
        ("reminder", "en", "English", now),
    ]
    await write(
        old.engine,
        TEMPLATE,
        [
            {"clinic": clinic, "kind": k, "language": lang, "body": b, "at": at}
            for k, lang, b, at in legacy
        ],
    )
    reported = Warnings()
    logging.getLogger("notify.migrations").addHandler(reported)
    try:
        await old.migrate()
    finally:
        logging.getLogger("notify.migrations").removeHandler(reported)

    left = await rows(
        old.engine,
        "SELECT kind, language, body FROM notify.message_templates ORDER BY kind, language",
    )
    assert left == [
        ("confirmation", "sw", "Kenyan Swahili"),
        ("reminder", "en", "English"),
        ("reminder", "fr", "Belgian French"),
        ("reminder", "sw", "Swahili"),
    ]
    assert len(reported.lines) == 6  # 2 unsupported, 2 superseded, 2 renamed
    for language in ("zz-ZZZZ", "de", "sw-TZ", "fr-CA", "sw-KE", "fr-BE"):
        assert any(f"/ {language} " in line for line in reported.lines), language
    assert not any("German" in line or "Swahili" in line for line in reported.lines)  # no text


# --- planned times -------------------------------------------------------------------------

MESSAGE = """INSERT INTO notify.messages
    (id, appointment_id, clinic_id, patient_id, kind, nominal_at, due_at, status, attempts)
VALUES (:id, :id, :id, :id, :kind, :nominal, :due, :status, :attempts)"""
RETRIED_MESSAGE = """INSERT INTO notify.messages (id, appointment_id, clinic_id, patient_id,
    kind, nominal_at, due_at, status, attempts, next_attempt_at)
VALUES (:id, :id, :id, :id, :kind, :nominal, :due, :status, :attempts, :retry)"""
EVENT = """INSERT INTO notify.message_events (message_id, attempt, status, at)
VALUES (:id, :attempt, :status, :at)"""


async def test_planned_times_come_back_and_the_dispatcher_keeps_its_own(old: Database) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    claimed = now - timedelta(hours=1)  # the first claim of the three claimed ones
    lease, retry = now + timedelta(minutes=1), now + timedelta(minutes=5)
    later = now + timedelta(days=1)
    untouched, sent, retried, leased = (uuid.uuid4() for _ in range(4))
    await write(
        old.engine,
        MESSAGE,
        [  # due_at as the old dispatcher left it
            {"id": untouched, "kind": "reminder", "nominal": later, "due": later,
             "status": "scheduled", "attempts": 0},
            {"id": sent, "kind": "confirmation", "nominal": later, "due": lease,
             "status": "sent", "attempts": 1},
            {"id": retried, "kind": "confirmation", "nominal": later, "due": retry,
             "status": "scheduled", "attempts": 1},
            {"id": leased, "kind": "confirmation", "nominal": later, "due": lease,
             "status": "sending", "attempts": 2},
        ],
    )  # fmt: skip
    await write(
        old.engine,
        EVENT,
        [
            {"id": message, "attempt": 1, "status": "sending", "at": claimed}
            for message in (sent, retried, leased)
        ]
        + [{"id": leased, "attempt": 2, "status": "sending", "at": now}],
    )

    await old.migrate()

    times = {
        row.id: (row.due_at, row.next_attempt_at)
        for row in await rows(old.engine, "SELECT id, due_at, next_attempt_at FROM notify.messages")
    }
    assert times[untouched] == (later, later)
    assert times[sent] == (claimed, lease)
    assert times[retried] == (claimed, retry)  # the retry is still its next attempt
    assert times[leased] == (claimed, lease)  # the first claim, not the latest


async def test_the_head_matches_the_models_and_goes_back_down(old: Database) -> None:
    await old.migrate()
    async with old.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
    now = datetime.now(UTC).replace(microsecond=0)
    retried = {"id": uuid.uuid4(), "kind": "confirmation", "nominal": now, "due": now}
    await write(
        old.engine,
        RETRIED_MESSAGE,
        [retried | {"status": "scheduled", "attempts": 1, "retry": now + timedelta(minutes=5)}],
    )

    await old.downgrade(BEFORE)

    indexes = await rows(
        old.engine, "SELECT indexname FROM pg_indexes WHERE tablename = 'messages'"
    )
    assert ("ix_messages_due",) in indexes
    # The old dispatcher goes by due_at: an unfinished message keeps its retry time there.
    assert await rows(old.engine, "SELECT due_at FROM notify.messages") == [
        (now + timedelta(minutes=5),)
    ]
