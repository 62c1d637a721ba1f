"""The identity schema: every table of this service lives in it."""

from typing import Annotated

from fastapi import Depends
from servicekit.db import apply_changes, service_metadata
from servicekit.idempotency import IdempotencyKeys, IdempotentRequest, idempotency_dependency
from servicekit.outbox import Outbox
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "identity"


class Base(DeclarativeBase):
    """Declarative base of the identity tables."""

    metadata = service_metadata(SCHEMA)


outbox = Outbox(Base.metadata, producer="identity")
idempotency_keys = IdempotencyKeys(Base.metadata)
Idempotent = Annotated[IdempotentRequest, Depends(idempotency_dependency(idempotency_keys))]

__all__ = ["SCHEMA", "Base", "Idempotent", "apply_changes", "idempotency_keys", "outbox"]
