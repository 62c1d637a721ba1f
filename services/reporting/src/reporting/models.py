"""Every table of the reporting service, gathered for Alembic."""

from reporting.db import Base
from reporting.facts.models import EventFact

metadata = Base.metadata
__all__ = ["EventFact", "metadata"]
