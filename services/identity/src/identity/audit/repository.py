"""Audit queries: the chain lock, its head, appends, filtered pages and the ordered walk."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import Select, Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from identity.audit.chain import GENESIS, ChainEntry
from identity.audit.models import AuditEvent
from identity.db import SCHEMA

# Advisory locks are per database, which every service's schema shares: this key ("idaudit"
# in ASCII) names identity's audit chain. One chain, so one appender at a time.
CHAIN_LOCK_KEY = 0x69646175646974
_TABLE: Table = AuditEvent.__table__  # type: ignore[assignment]
_HASHED_COLUMNS = [c for c in _TABLE.columns if c.name != "hash"]


@dataclass(frozen=True)
class AuditFilters:
    """What a reader narrows the log to; `clinic_ids` None: any clinic, or none at all."""

    action: str | None = None
    outcome: str | None = None
    actor_id: UUID | None = None
    subject_id: UUID | None = None
    clinic_ids: Collection[UUID] | None = None
    since: datetime | None = None
    until: datetime | None = None


async def lock_chain(session: AsyncSession) -> str:
    """Take the chain's lock until the transaction ends; returns the transaction isolation."""
    result = await session.execute(
        text("SELECT pg_advisory_xact_lock(:key), current_setting('transaction_isolation')"),
        {"key": CHAIN_LOCK_KEY},
    )
    return str(result.one()[1])


async def chain_head(session: AsyncSession) -> tuple[int, str]:
    """The next sequence number and the newest entry's hash (GENESIS on an empty log)."""
    newest = select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1).scalar_subquery()
    next_seq = func.nextval(func.pg_get_serial_sequence(f"{SCHEMA}.{_TABLE.name}", "seq"))
    seq, prev = (await session.execute(select(next_seq, newest))).one()
    return int(seq), prev or GENESIS


async def append(session: AsyncSession, entry: ChainEntry, hash_: str) -> None:
    """Insert one sealed entry now (not at flush time), so it is in place before the commit."""
    values: dict[str, Any] = {c.name: getattr(entry, c.name) for c in _HASHED_COLUMNS}
    await session.execute(insert(AuditEvent).values(**values, hash=hash_))


def _filtered(filters: AuditFilters) -> Select[AuditEvent]:
    query = select(AuditEvent)
    equal = {
        AuditEvent.action: filters.action,
        AuditEvent.outcome: filters.outcome,
        AuditEvent.actor_id: filters.actor_id,
        AuditEvent.subject_id: filters.subject_id,
    }
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    if filters.clinic_ids is not None:
        query = query.where(AuditEvent.clinic_id.in_(list(filters.clinic_ids)))
    if filters.since is not None:
        query = query.where(AuditEvent.occurred_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.occurred_at < filters.until)
    return query


async def page(
    session: AsyncSession, filters: AuditFilters, *, cursor: str | None, limit: int
) -> Keyset[AuditEvent]:
    """A page of the matching entries, newest first, older than the entry `cursor` names."""
    order = (AuditEvent.seq,)
    return await keyset_page(
        session, _filtered(filters), order=order, cursor=cursor, limit=limit, descending=True
    )


async def chain_batch(
    connection: AsyncConnection | AsyncSession, *, after_seq: int | None, size: int
) -> list[tuple[ChainEntry, str]]:
    """The next `size` entries in chain order, as (entry, stored hash) pairs."""
    query = select(*_HASHED_COLUMNS, _TABLE.c.hash).order_by(_TABLE.c.seq).limit(size)
    if after_seq is not None:
        query = query.where(_TABLE.c.seq > after_seq)
    rows = (await connection.execute(query)).mappings().all()
    return [
        (ChainEntry(**{c.name: row[c.name] for c in _HASHED_COLUMNS}), row["hash"]) for row in rows
    ]
