"""Every table of the booking service, gathered for Alembic."""

from booking.appointments.models import Appointment, AppointmentHistory
from booking.db import Base
from booking.projection.models import Clinic, LeaveWindow, ShiftWindow, StaffMember, StaffRole
from booking.rooms.models import Room
from booking.types.models import AppointmentType
from booking.waitlist.models import WaitlistEntry

metadata = Base.metadata
__all__ = [
    "Appointment",
    "AppointmentHistory",
    "AppointmentType",
    "Clinic",
    "LeaveWindow",
    "Room",
    "ShiftWindow",
    "StaffMember",
    "StaffRole",
    "WaitlistEntry",
    "metadata",
]
