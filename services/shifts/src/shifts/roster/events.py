"""The events a shift's changes publish, built from its row."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from clinic_contracts.shifts import (
    ShiftBreak,
    ShiftCancelled,
    ShiftChanged,
    ShiftReassigned,
    ShiftScheduled,
)

from shifts.roster.models import Shift


def breaks_of(shift: Shift) -> list[tuple[datetime, datetime]]:
    """A shift's breaks as instants."""
    return [
        (datetime.fromisoformat(b["starts_at"]), datetime.fromisoformat(b["ends_at"]))
        for b in shift.breaks
    ]


def stored_breaks(breaks: list[tuple[datetime, datetime]]) -> list[dict[str, str]]:
    """Breaks as the `breaks` column keeps them."""
    return [{"starts_at": s.isoformat(), "ends_at": e.isoformat()} for s, e in breaks]


def _details(shift: Shift, time_zone: str, actor: UUID | None) -> dict[str, Any]:
    return {
        "shift_id": shift.id,
        "clinic_id": shift.clinic_id,
        "staff_id": shift.staff_id,
        "role": shift.role,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "breaks": [ShiftBreak(starts_at=s, ends_at=e) for s, e in breaks_of(shift)],
        "local_date": shift.local_date.isoformat(),
        "time_zone": time_zone,
        "template_id": shift.template_id,
        "actor_id": actor,
    }


def scheduled(shift: Shift, time_zone: str, actor: UUID | None) -> ShiftScheduled:
    """ShiftScheduled for a new shift."""
    return ShiftScheduled(**_details(shift, time_zone, actor))


def changed(
    shift: Shift, time_zone: str, actor: UUID | None, previous: tuple[datetime, datetime]
) -> ShiftChanged:
    """ShiftChanged for a shift whose times or breaks changed."""
    return ShiftChanged(
        **_details(shift, time_zone, actor),
        previous_starts_at=previous[0],
        previous_ends_at=previous[1],
    )


def reassigned(
    shift: Shift, time_zone: str, actor: UUID | None, previous_staff_id: UUID
) -> ShiftReassigned:
    """ShiftReassigned for a shift given to another staff member."""
    return ShiftReassigned(**_details(shift, time_zone, actor), previous_staff_id=previous_staff_id)


def cancelled(
    shift: Shift, actor: UUID | None, reason: str, note: str | None = None
) -> ShiftCancelled:
    """ShiftCancelled for a shift taken off the roster."""
    return ShiftCancelled(
        shift_id=shift.id,
        clinic_id=shift.clinic_id,
        staff_id=shift.staff_id,
        role=shift.role,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        actor_id=actor,
        reason=reason,
        note=note,
    )
