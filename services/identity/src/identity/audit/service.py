"""Appending to the audit log (in the caller's transaction) and reading it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from servicekit.auth import Principal
from servicekit.pagination import BadCursor, decode_cursor
from sqlalchemy.ext.asyncio import AsyncSession

from identity import access
from identity.audit import repository
from identity.audit.chain import ChainEntry, entry_hash, normalise_details
from identity.audit.repository import AuditFilters
from identity.audit.schemas import AuditEventList, AuditEventRead, AuditQuery

_MAX_SEQ = 2**63 - 1


async def record(
    session: AsyncSession,
    *,
    action: str,
    outcome: str = "success",
    actor_id: UUID | None = None,
    subject_id: UUID | None = None,
    clinic_id: UUID | None = None,
    client_address: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry in the caller's transaction, which must be READ COMMITTED.

    The chain's lock is held until that transaction ends, so every audited write in the
    service waits for it: call this as the last step of a use case.
    """
    plain_details = normalise_details(details)  # refuse bad details before taking the lock
    isolation = await repository.lock_chain(session)
    if isolation != "read committed":
        # A snapshot older than the lock could miss the newest entry and fork the chain.
        raise RuntimeError(f"audit entries need READ COMMITTED, not {isolation.upper()}")
    seq, prev_hash = await repository.chain_head(session)
    entry = ChainEntry(
        seq=seq,
        occurred_at=datetime.now(UTC),
        action=action,
        outcome=outcome,
        actor_id=actor_id,
        subject_id=subject_id,
        clinic_id=clinic_id,
        client_address=client_address,
        details=plain_details,
        prev_hash=prev_hash,
    )
    await repository.append(session, entry, entry_hash(entry))


async def list_events(
    *, session: AsyncSession, principal: Principal, query: AuditQuery
) -> AuditEventList:
    """A page of the entries the caller may read, newest first."""
    filters = AuditFilters(
        action=query.action,
        outcome=query.outcome,
        actor_id=query.actor_id,
        subject_id=query.subject_id,
        clinic_ids=access.readable_audit_clinics(principal, query.clinic_id),
        since=query.since,
        until=query.until,
    )
    if query.cursor:
        _check_cursor(query.cursor)
    page = await repository.page(session, filters, cursor=query.cursor, limit=query.limit)
    items = [AuditEventRead.model_validate(row) for row in page.items]
    return AuditEventList(items=items, next_cursor=page.next_cursor)


def _check_cursor(cursor: str) -> None:
    """400 for anything but a `seq` this endpoint wrote: the page reads it with int(), which
    takes signs, spaces and non-ASCII digits, and PostgreSQL refuses one beyond a bigint."""
    [value] = decode_cursor(cursor, 1)
    if not value.isascii() or not value.isdigit() or int(value) > _MAX_SEQ:
        raise BadCursor("The cursor is not one this endpoint returned.")
