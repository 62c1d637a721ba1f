"""Every table of the booking service, gathered for Alembic."""

from booking.db import Base
from booking.projection.models import Clinic, LeaveWindow, ShiftWindow, StaffMember, StaffRole

metadata = Base.metadata
__all__ = ["Clinic", "LeaveWindow", "ShiftWindow", "StaffMember", "StaffRole", "metadata"]
