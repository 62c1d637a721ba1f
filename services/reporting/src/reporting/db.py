"""The reporting schema: every table of this service lives in it."""

from servicekit.db import service_metadata
from servicekit.outbox import Outbox
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "reporting"


class Base(DeclarativeBase):
    """Declarative base of the reporting tables."""

    metadata = service_metadata(SCHEMA)


outbox = Outbox(Base.metadata, producer="reporting")
