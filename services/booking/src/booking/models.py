"""Every table of the booking service, gathered for Alembic."""

from booking.db import Base

metadata = Base.metadata
