"""Every table of the notify service, gathered for Alembic."""

from notify.db import Base

metadata = Base.metadata
