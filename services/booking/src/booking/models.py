"""Every table of the booking service, gathered for Alembic."""

from booking.db import Base
from booking.projection.models import Clinic, LeaveWindow, ShiftWindow, StaffMember, StaffRole
from booking.types.models import AppointmentType

metadata = Base.metadata
__all__ = [
    "AppointmentType",
    "Clinic",
    "LeaveWindow",
    "ShiftWindow",
    "StaffMember",
    "StaffRole",
    "metadata",
]
