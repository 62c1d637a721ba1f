"""The identity schema: every table of this service lives in it."""

from servicekit.db import apply_changes, service_metadata
from servicekit.outbox import Outbox
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "identity"


class Base(DeclarativeBase):
    """Declarative base of the identity tables."""

    metadata = service_metadata(SCHEMA)


outbox = Outbox(Base.metadata, producer="identity")

__all__ = ["SCHEMA", "Base", "apply_changes", "outbox"]
