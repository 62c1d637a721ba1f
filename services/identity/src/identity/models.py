"""Every table of the identity service, gathered for Alembic."""

from identity.audit.models import AuditEvent
from identity.auth.models import LoginThrottle, RefreshToken
from identity.clinics.models import Clinic
from identity.db import Base
from identity.sync.models import SyncMutation
from identity.users.models import Membership, User

metadata = Base.metadata
__all__ = [
    "AuditEvent",
    "Clinic",
    "LoginThrottle",
    "Membership",
    "RefreshToken",
    "SyncMutation",
    "User",
    "metadata",
]
