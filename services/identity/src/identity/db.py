"""The identity schema: every table of this service lives in it."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from servicekit.db import service_metadata
from servicekit.outbox import Outbox
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "identity"


class Base(DeclarativeBase):
    """Declarative base of the identity tables."""

    metadata = service_metadata(SCHEMA)


outbox = Outbox(Base.metadata, producer="identity")


def apply_changes(row: Any, changes: Mapping[str, Any]) -> list[str]:
    """Set the fields whose value differs, and `updated_at` if any did; the changed names."""
    changed = sorted(name for name, value in changes.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, changes[name])
    if changed:
        row.updated_at = datetime.now(UTC)
    return changed
