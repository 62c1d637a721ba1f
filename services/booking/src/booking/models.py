"""Every table of the booking service, gathered for Alembic."""

from booking.allotments.models import Allotment
from booking.appointments.models import Appointment, AppointmentHistory
from booking.db import Base
from booking.projection.models import (
    Clinic,
    LeaveWindow,
    Patient,
    ShiftWindow,
    StaffMember,
    StaffRole,
)
from booking.rooms.models import Room
from booking.sync.models import ClinicPatient, OfflineConflict, SyncChange, SyncMutation
from booking.types.models import AppointmentType
from booking.waitlist.models import WaitlistEntry

metadata = Base.metadata
__all__ = [
    "Allotment",
    "Appointment",
    "AppointmentHistory",
    "AppointmentType",
    "Clinic",
    "ClinicPatient",
    "LeaveWindow",
    "OfflineConflict",
    "Patient",
    "Room",
    "ShiftWindow",
    "StaffMember",
    "StaffRole",
    "SyncChange",
    "SyncMutation",
    "WaitlistEntry",
    "metadata",
]
