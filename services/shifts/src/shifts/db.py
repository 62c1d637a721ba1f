"""The shifts schema: every table of this service lives in it."""

from typing import Annotated

from fastapi import Depends
from servicekit.db import service_metadata
from servicekit.idempotency import IdempotencyKeys, IdempotentRequest, idempotency_dependency
from servicekit.outbox import Outbox
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "shifts"


class Base(DeclarativeBase):
    """Declarative base of the shifts tables."""

    metadata = service_metadata(SCHEMA)


outbox = Outbox(Base.metadata, producer="shifts")
idempotency_keys = IdempotencyKeys(Base.metadata)
# A POST route taking `once: Idempotent` answers a retried Idempotency-Key with its first answer.
Idempotent = Annotated[IdempotentRequest, Depends(idempotency_dependency(idempotency_keys))]
