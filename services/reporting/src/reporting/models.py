"""Every table of the reporting service, gathered for Alembic."""

from reporting.analytics.models import (
    Appointment,
    Clinic,
    DailyConflicts,
    DailyRollup,
    DailyShiftMinutes,
    OfflineConflict,
    Reminder,
    Shift,
)
from reporting.db import Base
from reporting.facts.models import EventFact

metadata = Base.metadata
__all__ = [
    "Appointment",
    "Clinic",
    "DailyConflicts",
    "DailyRollup",
    "DailyShiftMinutes",
    "EventFact",
    "OfflineConflict",
    "Reminder",
    "Shift",
    "metadata",
]
