"""User and membership request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from clinic_contracts.identity import Role
from pydantic import BaseModel, ConfigDict, Field, model_validator

from identity.schemas import (
    BirthDate,
    Email,
    FullName,
    LanguageTag,
    NewPassword,
    NotificationConsent,
    Password,
    Phone,
    Specialty,
)


class MembershipGrant(BaseModel):
    """A role to grant: in a clinic, or organisation-wide for org_admin."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    clinic_id: UUID | None = Field(
        default=None, description="Required for clinic roles; must be null for org_admin."
    )
    specialty: Specialty | None = Field(default=None, description="Providers only.")

    @model_validator(mode="after")
    def _consistent(self) -> MembershipGrant:
        if (self.role == "org_admin") != (self.clinic_id is None):
            raise ValueError("org_admin takes no clinic_id; every other role needs one")
        if self.specialty is not None and self.role != "provider":
            raise ValueError("only providers have a specialty")
        return self


class MembershipRead(BaseModel):
    """A role a staff member holds."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    role: Role
    clinic_id: UUID | None
    specialty: str | None
    granted_at: datetime


class StaffCreate(BaseModel):
    """A staff account created by an admin, with its first roles."""

    model_config = ConfigDict(extra="forbid")

    full_name: FullName
    email: Email
    phone: Phone | None = None
    preferred_language: LanguageTag = "en"
    password: NewPassword  # the initial password, given to the person in person
    memberships: list[MembershipGrant] = Field(default_factory=list, max_length=50)


class MeUpdate(BaseModel):
    """Changes to one's own profile; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    full_name: FullName | None = None
    phone: Phone | None = None
    email: Email | None = None
    date_of_birth: BirthDate | None = None
    preferred_language: LanguageTag | None = None
    consent: NotificationConsent | None = None


class PasswordChange(BaseModel):
    """A new password, proven by the current one."""

    model_config = ConfigDict(extra="forbid")

    current_password: Password
    new_password: NewPassword


class UserRead(BaseModel):
    """An account as the API shows it (never its password hash)."""

    id: UUID
    kind: Literal["patient", "staff"]
    full_name: str
    phone: str | None
    email: str | None
    date_of_birth: date | None
    preferred_language: str
    consent: NotificationConsent
    active: bool
    deactivated_at: datetime | None
    created_at: datetime
    updated_at: datetime
    memberships: list[MembershipRead]


class UserFilters(BaseModel):
    """Filters of the user list."""

    kind: Literal["patient", "staff"] | None = None
    clinic_id: UUID | None = None
    role: Role | None = None
    active: bool | None = None
    q: str | None = Field(default=None, min_length=2, max_length=100)
