"""Adding counter changes to the rollup tables, one upsert per touched row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics.figures import ConflictKey, Counters, RollupKey, ShiftKey
from reporting.analytics.models import DailyConflicts, DailyRollup, DailyShiftMinutes

ROLLUP_KEY = ("clinic_id", "day", "provider_id", "type_id")
SHIFT_KEY = ("clinic_id", "day", "provider_id")
CONFLICT_KEY = ("clinic_id", "day", "type_id")


async def add_to_rollups(session: AsyncSession, changes: Mapping[RollupKey, Counters]) -> None:
    """Add each key's counter changes to its daily rollup row (created at zero if absent)."""
    await _add(session, DailyRollup, ROLLUP_KEY, changes)


async def add_to_shift_minutes(session: AsyncSession, changes: Mapping[ShiftKey, Counters]) -> None:
    """Add minutes changes to the providers' daily shift minutes."""
    await _add(session, DailyShiftMinutes, SHIFT_KEY, changes)


async def add_to_conflicts(session: AsyncSession, changes: Mapping[ConflictKey, Counters]) -> None:
    """Add conflict counter changes to the clinics' daily conflict rows."""
    await _add(session, DailyConflicts, CONFLICT_KEY, changes)


async def _add(
    session: AsyncSession,
    model: type[Any],
    key_names: tuple[str, ...],
    changes: Mapping[Any, Counters],
) -> None:
    # Sorted keys: two transactions touching the same rows lock them in the same order.
    for key in sorted(changes):
        counters = changes[key]
        statement = insert(model).values(**dict(zip(key_names, key, strict=True)), **counters)
        table = model.__table__
        increments = {name: table.c[name] + statement.excluded[name] for name in counters}
        await session.execute(
            statement.on_conflict_do_update(index_elements=list(key_names), set_=increments)
        )
