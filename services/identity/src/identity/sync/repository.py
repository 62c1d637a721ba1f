"""Stored outcomes of pushed mutations."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from identity.sync.models import SyncMutation


async def stored(session: AsyncSession, device_id: UUID, mutation_id: UUID) -> SyncMutation | None:
    """The mutation as first pushed, or None."""
    return await session.get(SyncMutation, (device_id, mutation_id))


async def claim(
    session: AsyncSession, device_id: UUID, mutation_id: UUID, clinic_id: UUID, content_hash: str
) -> bool:
    """Take the mutation for this transaction (True), or find a concurrent push took it first
    (False: it has committed by the time this returns)."""
    statement = (
        insert(SyncMutation)
        .values(
            device_id=device_id,
            mutation_id=mutation_id,
            clinic_id=clinic_id,
            content_hash=content_hash,
        )
        .on_conflict_do_nothing()
        .returning(SyncMutation.mutation_id)
    )
    return (await session.execute(statement)).first() is not None


async def keep_outcome(
    session: AsyncSession, device_id: UUID, mutation_id: UUID, outcome: dict[str, Any]
) -> None:
    """Record how a claimed mutation ended."""
    await session.execute(
        update(SyncMutation)
        .where(SyncMutation.device_id == device_id, SyncMutation.mutation_id == mutation_id)
        .values(outcome=outcome)
    )


async def refetch(session: AsyncSession, device_id: UUID, mutation_id: UUID) -> SyncMutation:
    """The row a concurrent push committed, read afresh."""
    query = select(SyncMutation).where(
        SyncMutation.device_id == device_id, SyncMutation.mutation_id == mutation_id
    )
    return (await session.scalars(query.execution_options(populate_existing=True))).one()
