"""Every table of the reporting service, gathered for Alembic."""

from reporting.analytics.models import (
    Appointment,
    Clinic,
    DailyRollup,
    DailyShiftMinutes,
    Reminder,
    Shift,
)
from reporting.db import Base
from reporting.facts.models import EventFact

metadata = Base.metadata
__all__ = [
    "Appointment",
    "Clinic",
    "DailyRollup",
    "DailyShiftMinutes",
    "EventFact",
    "Reminder",
    "Shift",
    "metadata",
]
