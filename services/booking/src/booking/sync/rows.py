"""Rows of the working set as dicts for pydantic_core.to_json, in the protocol's shapes.

Built by hand rather than through the response models: a snapshot holds thousands of
appointments, and validating each through pydantic would cost most of the pull's time.
Appointments go slim (docs/offline-sync.md): UTC times, nulls and defaults left out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from booking.rooms.schemas import RoomRead
from booking.types.schemas import TypeRead

_TYPE = list(TypeRead.model_fields)
_ROOM = list(RoomRead.model_fields)


def _json(value: Any) -> Any:
    """A value as pydantic writes it in JSON (UTC as `Z`)."""
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, UUID):
        return str(value)
    return value


def appointment(row: Any) -> dict[str, Any]:
    """A slim appointment: the query's columns less those that are NULL (absent or default)."""
    return {name: value for name, value in zip(row.keys(), row, strict=True) if value is not None}


def kind(row: Any) -> dict[str, Any]:
    """A TypeRead body."""
    return {name: _json(row[name]) for name in _TYPE}


def room(row: Any) -> dict[str, Any]:
    """A RoomRead body."""
    return {name: _json(row[name]) for name in _ROOM}


def provider(row: Any) -> dict[str, Any]:
    """A provider of the clinic."""
    return {"id": str(row["id"]), "full_name": row["full_name"], "specialty": row["specialty"]}


def patient(row: Any) -> dict[str, Any]:
    """A patient of the directory."""
    return {"id": str(row["id"]), "full_name": row["full_name"], "phone": row["phone"]}


def shift(row: Any) -> dict[str, Any]:
    """A shift with its breaks."""
    return {
        "id": str(row["id"]),
        "staff_id": str(row["staff_id"]),
        "starts_at": _json(row["starts_at"]),
        "ends_at": _json(row["ends_at"]),
        "breaks": [{"starts_at": b["starts_at"], "ends_at": b["ends_at"]} for b in row["breaks"]],
    }


def leave(row: Any) -> dict[str, Any]:
    """Approved leave."""
    return {
        "id": str(row["id"]),
        "staff_id": str(row["staff_id"]),
        "starts_at": _json(row["starts_at"]),
        "ends_at": _json(row["ends_at"]),
    }
