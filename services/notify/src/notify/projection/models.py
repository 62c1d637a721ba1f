"""What notify keeps of other services' data, next to its own settings for it.

Identity's fields are overwritten by every event; the columns notify owns (a clinic's
messaging settings, a patient's opt-out and channel choice) are never touched by them.
"""

from __future__ import annotations

from datetime import datetime, time
from uuid import UUID

from sqlalchemy import ARRAY, DateTime, Index, Integer, Text, Time, func, text
from sqlalchemy.orm import Mapped, mapped_column

from notify.db import Base

DEFAULT_REMINDER_OFFSETS = (1440, 120)
"""Minutes before a visit that reminders go out: a day and two hours."""


class Clinic(Base):
    """A clinic: identity's name and zone, notify's provider, channel, reminders, quiet hours."""

    __tablename__ = "clinics"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(Text)  # None: the service's default
    channel: Mapped[str] = mapped_column(Text, server_default="sms")
    fallback_to_sms: Mapped[bool] = mapped_column(server_default=text("true"))
    reminder_offsets: Mapped[list[int]] = mapped_column(
        ARRAY(Integer), server_default=text("'{1440,120}'")
    )
    quiet_from: Mapped[time | None] = mapped_column(Time, server_default=text("'21:00'"))
    quiet_until: Mapped[time | None] = mapped_column(Time, server_default=text("'07:00'"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Contact(Base):
    """A user's phone, language and consent from identity; opt-out and channel from notify."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_phone", "phone"),)

    user_id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    full_name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(Text, server_default="en")
    consent_sms: Mapped[bool] = mapped_column(server_default=text("false"))
    consent_whatsapp: Mapped[bool] = mapped_column(server_default=text("false"))
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    preferred_channel: Mapped[str | None] = mapped_column(Text)  # None: the clinic's
    reminders: Mapped[bool] = mapped_column(server_default=text("true"))
    opted_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Appointment(Base):
    """An appointment as booking last described it, to word messages and check them at send."""

    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_patient", "patient_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    patient_id: Mapped[UUID]
    provider_id: Mapped[UUID]
    type_name: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    time_zone: Mapped[str] = mapped_column(Text)
    offer_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The occurred_at of the event last applied: an older event arriving late changes nothing.
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OfflineConflict(Base):
    """An offline booking or move whose time was taken, which staff then cancelled: the time
    the patient was given at the desk and no longer has (booking's OfflineConflictResolved)."""

    __tablename__ = "offline_conflicts"
    __table_args__ = (Index("ix_offline_conflicts_appointment", "appointment_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    patient_id: Mapped[UUID]
    # The appointment the device booked (its own id, never held by booking) or moved.
    appointment_id: Mapped[UUID]
    type_name: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    time_zone: Mapped[str] = mapped_column(Text)
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
