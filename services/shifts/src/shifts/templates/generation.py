"""Turning templates into shifts, and keeping those shifts in step when anything changes.

A generated shift is identified by (template, local day, slot: the place of its range among
that day's ranges). A template change reconciles the future: matching shifts stay, moved
ones change, missing ones are added, and ones the template no longer has are removed.
Shifts an admin edited or cancelled one by one are never touched, and nothing that has
already started is rewritten.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from clinic_contracts.envelope import Event
from servicekit.localtime import local_day, zone
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.closures.repository import closed_days
from shifts.db import outbox
from shifts.roster import events, repository
from shifts.roster.models import SCHEDULED, Shift
from shifts.roster.service import overlap_problem
from shifts.templates.models import ShiftTemplate
from shifts.templates.rules import PlannedShift, expand
from shifts.templates.schemas import SyncSummary, weekly_ranges

log = logging.getLogger(__name__)

Key = tuple[date | None, int | None]


def horizon_end(now: datetime, time_zone: str, weeks: int) -> date:
    """The last local day the roster is generated for."""
    return local_day(now, zone(time_zone)) + timedelta(weeks=weeks)


async def sync_template(
    session: AsyncSession,
    template: ShiftTemplate,
    time_zone: str,
    *,
    now: datetime,
    until: date,
    actor: UUID | None,
    from_day: date | None = None,
    strict: bool = True,
) -> SyncSummary:
    """Make the template's future shifts from `from_day` match it, up to `until` and no further.

    Shifts after `until` are removed too (ending a template passes yesterday); to extend or
    re-plan without shortening, pass the template's `generated_until` or a later day.

    strict: a clash with another shift raises Overlap (the caller's request fails);
    otherwise clashing shifts are skipped, as when the horizon rolls forward unattended.
    """
    first_day = from_day or local_day(now, zone(time_zone))
    closed = await closed_days(session, template.clinic_id, first_day, until)
    planned = [
        p for p in _planned(template, time_zone, first_day, until, closed) if p.starts_at > now
    ]
    existing = await repository.template_shifts_from(session, template.id, first_day, now)
    plan = _reconcile(existing, planned)
    staged: list[Event] = [events.cancelled(s, actor, "template_changed") for s in plan.removed]
    await repository.remove(session, [shift.id for shift in plan.removed])
    previous = {shift.id: (shift.starts_at, shift.ends_at) for shift, _ in plan.moves}
    rows = [_row(template, new, actor) for new in plan.new]
    added = await _write(session, template, plan.moves, rows, actor=actor, strict=strict)
    staged += [events.changed(s, time_zone, actor, previous[s.id]) for s, _ in plan.moves]
    staged.extend(events.scheduled(Shift(**row), time_zone, actor) for row in added)
    template.generated_until = max(until, template.generated_until or until)
    await outbox.stage_many(session, staged)
    return SyncSummary(
        scheduled=len(added), changed=len(plan.moves), removed=len(plan.removed), kept=plan.kept
    )


@dataclass
class _Reconciliation:
    """How a template's existing shifts meet its plan: what goes, moves, stays and is new."""

    removed: list[Shift] = field(default_factory=list)
    moves: list[tuple[Shift, PlannedShift]] = field(default_factory=list)
    kept: int = 0
    new: list[PlannedShift] = field(default_factory=list)


def _reconcile(existing: list[Shift], planned: list[PlannedShift]) -> _Reconciliation:
    """Pair existing shifts with planned ones by (local day, slot)."""
    unmatched: dict[Key, PlannedShift] = {(p.local_date, p.slot): p for p in planned}
    plan = _Reconciliation()
    for shift in existing:
        wanted = unmatched.pop((shift.planned_day, shift.planned_slot), None)
        if shift.modified or shift.status != SCHEDULED:
            plan.kept += 1
        elif wanted is None:
            plan.removed.append(shift)
        elif _differs(shift, wanted):
            plan.moves.append((shift, wanted))
    plan.new = list(unmatched.values())
    return plan


async def _write(
    session: AsyncSession,
    template: ShiftTemplate,
    moves: list[tuple[Shift, PlannedShift]],
    rows: list[dict[str, Any]],
    *,
    actor: UUID | None,
    strict: bool,
) -> list[dict[str, Any]]:
    """Move shifts and add new ones; the rows added, or a 409 naming a shift they clash with."""
    try:
        await repository.save(session, lambda: _apply_all(moves, actor))
        added = await _add(session, rows, strict)
    except repository.Overlap:
        attempted = [(r["starts_at"], r["ends_at"]) for r in rows] + [
            (p.starts_at, p.ends_at) for _, p in moves
        ]
        raise await overlap_problem(session, template.staff_id, attempted) from None
    if len(added) < len(rows):
        log.info(
            "template %s: %d shifts skipped as they clash", template.id, len(rows) - len(added)
        )
    return added


async def _add(
    session: AsyncSession, rows: list[dict[str, Any]], strict: bool
) -> list[dict[str, Any]]:
    if strict:
        await repository.add_all(session, rows)
        return rows
    ids = await repository.add_where_free(session, rows)
    return [row for row in rows if row["id"] in ids]


def _planned(
    template: ShiftTemplate, time_zone: str, first: date, until: date, closed: set[date]
) -> list[PlannedShift]:
    start = max(first, template.valid_from)
    end = min(until, template.valid_until or until)
    if end < start:
        return []
    return list(expand(weekly_ranges(template.weekly), zone(time_zone), start, end, closed=closed))


def _differs(shift: Shift, plan: PlannedShift) -> bool:
    return (
        shift.starts_at != plan.starts_at
        or shift.ends_at != plan.ends_at
        or events.breaks_of(shift) != list(plan.breaks)
    )


def _apply_all(moves: list[tuple[Shift, PlannedShift]], actor: UUID | None) -> None:
    now = datetime.now(UTC)
    for shift, plan in moves:
        shift.starts_at, shift.ends_at = plan.starts_at, plan.ends_at
        shift.breaks = events.stored_breaks(list(plan.breaks))
        shift.updated_by, shift.updated_at = actor, now


def _row(template: ShiftTemplate, plan: PlannedShift, actor: UUID | None) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "clinic_id": template.clinic_id,
        "staff_id": template.staff_id,
        "role": template.role,
        "template_id": template.id,
        "local_date": plan.local_date,
        "planned_day": plan.local_date,
        "planned_slot": plan.slot,
        "starts_at": plan.starts_at,
        "ends_at": plan.ends_at,
        "breaks": events.stored_breaks(list(plan.breaks)),
        "status": SCHEDULED,
        "modified": False,
        "updated_by": actor,
    }
