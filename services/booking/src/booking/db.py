"""The booking schema: every table of this service lives in it."""

from typing import Annotated

from fastapi import Depends
from servicekit.db import service_metadata
from servicekit.idempotency import IdempotencyKeys, IdempotentRequest, idempotency_dependency
from servicekit.outbox import Outbox
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "booking"


class Base(DeclarativeBase):
    """Declarative base of the booking tables."""

    metadata = service_metadata(SCHEMA)


outbox = Outbox(Base.metadata, producer="booking")
idempotency_keys = IdempotencyKeys(Base.metadata)
Idempotent = Annotated[IdempotentRequest, Depends(idempotency_dependency(idempotency_keys))]
