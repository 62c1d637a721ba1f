"""Every table of the identity service, gathered for Alembic."""

from identity.clinics.models import Clinic
from identity.db import Base

metadata = Base.metadata
__all__ = ["Clinic", "metadata"]
