"""User and membership tables."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Text,
    Uuid,
    false,
    func,
    literal,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from identity.db import Base

# Stands in for an organisation-wide role's missing clinic, so the unique index covers it too.
NO_CLINIC = UUID(int=0)


class User(Base):
    """A patient or staff account; only its own rows say whether it may sign in."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("kind IN ('patient', 'staff')", name="kind"),
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="has_login"),
        Index("ix_users_phone", "phone", unique=True),
        Index("ix_users_created", "created_at", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    full_name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    preferred_language: Mapped[str] = mapped_column(Text, server_default="en")
    consent_sms: Mapped[bool] = mapped_column(Boolean, server_default=false())
    consent_whatsapp: Mapped[bool] = mapped_column(Boolean, server_default=false())
    password_hash: Mapped[str | None] = mapped_column(Text)  # none: registered offline
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Membership(Base):
    """A role a staff member holds in one clinic, or organisation-wide (no clinic)."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(
            "role IN ('org_admin', 'clinic_admin', 'provider', 'receptionist')", name="role"
        ),
        CheckConstraint("(role = 'org_admin') = (clinic_id IS NULL)", name="clinic_for_role"),
        CheckConstraint("specialty IS NULL OR role = 'provider'", name="specialty_for_providers"),
        Index("ix_memberships_clinic", "clinic_id", "role"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    clinic_id: Mapped[UUID | None] = mapped_column(ForeignKey("clinics.id"))
    role: Mapped[str] = mapped_column(Text)
    specialty: Mapped[str | None] = mapped_column(Text)
    granted_by: Mapped[UUID | None] = mapped_column()
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# Expression indexes name the mapped columns, so they follow the classes.
Index("ix_users_email_lower", func.lower(User.email), unique=True)
Index(
    "ix_memberships_unique",
    Membership.user_id,
    func.coalesce(Membership.clinic_id, literal(NO_CLINIC, Uuid)),
    Membership.role,
    unique=True,
)
