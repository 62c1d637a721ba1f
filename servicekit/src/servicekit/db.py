"""Async SQLAlchemy 2 on asyncpg: one schema per service, sessions committed at the boundary."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import MetaData, delete, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# Deterministic constraint names, so Alembic can alter and drop them by name.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    """MetaData bound to the service's own schema, with the shared naming convention."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An asyncpg engine; services pass their pool sizes from settings.

    A failed statement's error leaves its parameters out: they can be a password hash, a
    name or a phone number, and errors end up in logs.

    A pooled connection is checked without a round trip when it is taken (`_refuse_closed`)
    instead of SQLAlchemy's `pool_pre_ping`, whose BEGIN, ping and ROLLBACK were three round
    trips and a twentieth of a booking's CPU.
    """
    options: dict[str, Any] = {
        "pool_size": 10,
        "max_overflow": 10,
        "hide_parameters": True,
    }
    options.update(kwargs)
    engine = create_async_engine(url, **options)
    if not options.get("pool_pre_ping"):
        event.listen(engine.sync_engine, "checkout", _refuse_closed)
    return engine


def _refuse_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """Make the pool open a fresh connection instead of handing out one the server closed.

    A restarted or failed-over PostgreSQL closes its connections' sockets; asyncpg notices
    at once and the connection reports itself closed, so this costs no round trip. A
    connection that dies while in use is invalidated by SQLAlchemy with the rest of the pool,
    and the request is answered 503 `database-unavailable` (Retry-After).
    """
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (responses are built after it)."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit if the caller finished, roll back if it raised."""
    async with sessions() as session, session.begin():
        yield session


@asynccontextmanager
async def autocommitting(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session whose statements each run on their own (autocommit): no BEGIN or COMMIT
    round trip. At READ COMMITTED each statement of a transaction takes its own snapshot
    anyway, so reads see what they would have seen in one; a write is committed at once."""
    async with sessions() as session:
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield session


async def reading(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session for work that only reads, `autocommitting` (the dependable's form)."""
    async with autocommitting(sessions) as session:
        yield session


def asyncpg_dsn(url: str | URL, database: str | None = None) -> str:
    """The `postgresql://` DSN asyncpg.connect() wants, from any SQLAlchemy-style URL."""
    parsed = (make_url(url) if isinstance(url, str) else url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def contains_pattern(fragment: str) -> str:
    """An ILIKE pattern matching text that contains `fragment` literally (% and _ escaped)."""
    escaped = fragment.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def apply_changes(row: Any, changes: Mapping[str, Any]) -> list[str]:
    """Set the fields whose value differs, and `updated_at` if any did; the changed names."""
    changed = sorted(name for name, value in changes.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, changes[name])
    if changed:
        row.updated_at = datetime.now(UTC)
    return changed


def violated_constraint(error: BaseException) -> str | None:
    """The name of the constraint a failed statement broke, from the driver's error."""
    cause: BaseException | None = error
    while cause is not None:
        name = getattr(cause, "constraint_name", None)
        if isinstance(name, str):
            return name
        cause = getattr(cause, "orig", None) or cause.__cause__
    return None


async def upsert(session: AsyncSession, model: type[Any], values: dict[str, Any]) -> None:
    """Insert a row or overwrite its other columns, by primary key (projections' writes)."""
    keys = [column.name for column in model.__table__.primary_key]
    changes = {k: v for k, v in values.items() if k not in keys}
    statement = pg_insert(model).values(**values)
    if changes:
        await session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
    else:
        await session.execute(statement.on_conflict_do_nothing(index_elements=keys))


async def remove(session: AsyncSession, model: type[Any], **key: Any) -> None:
    """Delete the row with this primary key, if there is one."""
    table = model.__table__
    await session.execute(delete(model).where(*(table.c[k] == v for k, v in key.items())))
