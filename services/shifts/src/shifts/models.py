"""Every table of the shifts service, gathered for Alembic."""

from shifts.db import Base

metadata = Base.metadata
