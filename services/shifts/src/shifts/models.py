"""Every table of the shifts service, gathered for Alembic."""

from shifts.closures.models import Closure
from shifts.coverage.models import CoverageMinimum
from shifts.db import Base
from shifts.leave.models import Leave
from shifts.projection.models import Clinic, StaffMember, StaffRole
from shifts.roster.models import Shift
from shifts.templates.models import ShiftTemplate

metadata = Base.metadata
__all__ = [
    "Clinic",
    "Closure",
    "CoverageMinimum",
    "Leave",
    "Shift",
    "ShiftTemplate",
    "StaffMember",
    "StaffRole",
    "metadata",
]
