"""Every table of the notify service, gathered for Alembic."""

from notify.db import Base
from notify.messages.models import Message, MessageEvent
from notify.projection.models import Appointment, Clinic, Contact, OfflineConflict
from notify.templates.models import Template

metadata = Base.metadata
__all__ = [
    "Appointment",
    "Clinic",
    "Contact",
    "Message",
    "MessageEvent",
    "OfflineConflict",
    "Template",
    "metadata",
]
