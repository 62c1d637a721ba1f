"""Events published by the identity service: clinics, users and memberships."""

from __future__ import annotations

import re
from datetime import datetime, time
from functools import cache
from typing import Literal
from uuid import UUID
from zoneinfo import available_timezones

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from clinic_contracts.envelope import Event, to_utc

IDENTITY_TOPIC = "clinic.identity.v1"

# Names in the tz database that are not places: "localtime" is whatever the host says and
# "Factory" is a placeholder zone; a clinic must name a real IANA zone.
_NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_PLACES


def check_time_zone(name: str) -> str:
    """Return the name if it is an IANA time zone known to zoneinfo, else raise ValueError."""
    if name not in _known_time_zones():
        raise ValueError(f"unknown IANA time zone {name!r} (e.g. 'Africa/Nairobi')")
    return name


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Role = Literal["org_admin", "clinic_admin", "provider", "receptionist"]
UserKind = Literal["patient", "staff"]
SessionEnd = Literal[
    "signed_out", "signed_out_everywhere", "refresh_token_reused", "password_changed"
]
E164 = r"^\+[1-9][0-9]{6,14}$"
LANGUAGE_TAG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
MESSAGE_LANGUAGES = ("en", "sw", "fr")
"""The languages notify words messages in, and so the languages a user may choose."""


def message_language(tag: str) -> str:
    """The language of a BCP 47 tag (`sw` for `sw`, `SW` or `sw-KE`; tags are case-insensitive)
    if messages can be worded in it, else ValueError."""
    if re.fullmatch(LANGUAGE_TAG, tag.lower()) is None:
        raise ValueError("must be a BCP 47 language tag, e.g. sw or sw-KE")
    language = tag.split("-")[0].lower()
    if language not in MESSAGE_LANGUAGES:
        raise ValueError(
            f"messages cannot be worded in {language!r}; the languages are "
            + ", ".join(MESSAGE_LANGUAGES)
        )
    return language


class OpeningPeriod(BaseModel):
    """A period a clinic is open on one weekday, in the clinic's local time."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    day: Weekday = Field(description="Weekday, lower-case three letters.", examples=["mon"])
    opens: time = Field(description="Local opening time.", examples=["08:00:00"])
    closes: time = Field(description="Local closing time, after `opens`.", examples=["17:00:00"])

    @model_validator(mode="after")
    def _opens_before_closes(self) -> OpeningPeriod:
        if self.closes <= self.opens:
            raise ValueError("closes must be after opens")
        return self


class BookingPolicy(BaseModel):
    """How far ahead and how late patients may book and cancel at a clinic."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    min_notice_minutes: int = Field(
        default=60, ge=0, le=10_080, description="Earliest bookable start, minutes from now."
    )
    max_advance_days: int = Field(
        default=90, ge=1, le=730, description="Latest bookable day, days from today."
    )
    cancellation_cutoff_hours: int = Field(
        default=24,
        ge=0,
        le=336,
        description="Patients may cancel online until this many hours "
        "before the start; staff may always cancel.",
    )
    patient_self_booking: bool = Field(
        default=True, description="Whether patients may book themselves, or only staff."
    )


class NotificationConsent(BaseModel):
    """The channels a patient agreed to receive messages on."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    sms: bool = Field(default=False, description="Consents to SMS.")
    whatsapp: bool = Field(default=False, description="Consents to WhatsApp messages.")


class _ClinicDetails(Event):
    clinic_id: UUID = Field(
        description="Id of the clinic.", examples=["5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"]
    )
    name: str = Field(
        min_length=1,
        max_length=200,
        description="Display name of the clinic.",
        examples=["Kibera Community Clinic"],
    )
    time_zone: str = Field(
        description="IANA time zone of the clinic; its slots and reminders use local time.",
        examples=["Africa/Nairobi"],
    )
    address: str | None = Field(
        default=None, description="Postal address.", examples=["Olympic Estate, Nairobi"]
    )
    phone: str | None = Field(
        default=None, pattern=E164, description="Phone in E.164.", examples=["+254712345678"]
    )
    opening_hours: list[OpeningPeriod] = Field(
        default_factory=list,
        description="Weekly opening periods in local time.",
        examples=[[{"day": "mon", "opens": "08:00:00", "closes": "17:00:00"}]],
    )
    booking_policy: BookingPolicy = Field(
        default_factory=BookingPolicy,
        description="Booking and cancellation rules.",
        examples=[
            {
                "min_notice_minutes": 60,
                "max_advance_days": 90,
                "cancellation_cutoff_hours": 24,
                "patient_self_booking": True,
            }
        ],
    )

    @field_validator("time_zone")
    @classmethod
    def _time_zone_is_iana(cls, value: str) -> str:
        return check_time_zone(value)


class ClinicCreated(_ClinicDetails):
    """A clinic was added to the network."""

    event_type = "ClinicCreated"
    topic = IDENTITY_TOPIC
    aggregate_field = "clinic_id"


class ClinicUpdated(_ClinicDetails):
    """A clinic's details changed; carries all of them, so a projection can overwrite."""

    event_type = "ClinicUpdated"
    topic = IDENTITY_TOPIC
    aggregate_field = "clinic_id"


class _UserContact(Event):
    user_id: UUID = Field(
        description="Id of the user.", examples=["9a7b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"]
    )
    kind: UserKind = Field(description="Patient or staff account.", examples=["patient"])
    full_name: str = Field(
        min_length=1,
        max_length=200,
        description="Name to address the user by.",
        examples=["Amina Odhiambo"],
    )
    phone: str | None = Field(
        default=None,
        pattern=E164,
        description="Mobile phone in E.164.",
        examples=["+254712345678"],
    )
    email: str | None = Field(
        default=None, description="Email address, when given.", examples=["amina@example.org"]
    )
    preferred_language: str = Field(
        default="en",
        pattern=LANGUAGE_TAG,
        description="BCP 47 language tag for messages; identity accepts only tags whose "
        "language is en, sw or fr (a region such as sw-KE is kept, for dates and times). "
        "Older accounts may carry another language: messages to them are in English.",
        examples=["sw"],
    )
    consent: NotificationConsent = Field(
        default_factory=NotificationConsent,
        description="Channels the user agreed to.",
        examples=[{"sms": True, "whatsapp": False}],
    )


class UserRegistered(_UserContact):
    """An account was created: a patient registered, or an admin created a staff member."""

    event_type = "UserRegistered"
    topic = IDENTITY_TOPIC
    aggregate_field = "user_id"


class UserUpdated(_UserContact):
    """A user's contact details, language or consent changed; carries all of them."""

    event_type = "UserUpdated"
    topic = IDENTITY_TOPIC
    aggregate_field = "user_id"


_USER_ID = "9a7b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
_REVOKED_AT = "2025-03-01T08:30:00.123456Z"


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else to_utc(value)


class UserDeactivated(Event):
    """A user was deactivated: no sign-in, no messages, and their access tokens are refused."""

    event_type = "UserDeactivated"
    topic = IDENTITY_TOPIC
    aggregate_field = "user_id"

    user_id: UUID = Field(description="Id of the user.", examples=[_USER_ID])
    deactivated_at: AwareDatetime | None = Field(
        default=None,
        description="When the account was deactivated, to the microsecond (UTC): access tokens "
        "of the user issued at or before it are refused. Absent in events published before "
        "this field existed; use the envelope's occurred_at then.",
        examples=[_REVOKED_AT],
    )

    _in_utc = field_validator("deactivated_at")(_utc_or_none)


class DuplicateRegistrationAttempted(Event):
    """Someone tried to register a new account with this account's phone number or email.

    The registration was answered as if it had worked and created nothing; the account's
    owner may be told. Carries no contact details: consumers look the user up themselves.
    """

    event_type = "DuplicateRegistrationAttempted"
    topic = IDENTITY_TOPIC
    aggregate_field = "user_id"

    user_id: UUID = Field(
        description="Id of the existing account whose phone or email was used.",
        examples=["9a7b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"],
    )
    matched: list[Literal["phone", "email"]] = Field(
        min_length=1,
        description="Which of the account's contact details the registration used.",
        examples=[["phone"]],
    )


class _Membership(Event):
    user_id: UUID = Field(
        description="Id of the staff member.", examples=["9a7b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"]
    )
    clinic_id: UUID | None = Field(
        description="Clinic the role applies in; null for the organisation admin role.",
        examples=["5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"],
    )
    role: Role = Field(description="The role.", examples=["provider"])


class MembershipGranted(_Membership):
    """A staff member was given a role in a clinic (or organisation-wide)."""

    event_type = "MembershipGranted"
    topic = IDENTITY_TOPIC
    aggregate_field = "user_id"

    specialty: str | None = Field(
        default=None,
        max_length=100,
        description="For providers: their specialty.",
        examples=["paediatrics"],
    )


class MembershipRevoked(_Membership):
    """A staff member lost a role in a clinic (or organisation-wide).

    Access tokens issued at or before `revoked_at` that carry the role are refused.
    """

    event_type = "MembershipRevoked"
    topic = IDENTITY_TOPIC
    aggregate_field = "user_id"

    revoked_at: AwareDatetime | None = Field(
        default=None,
        description="When the role was taken away, to the microsecond (UTC): access tokens "
        "issued at or before it that carry the role are refused. Absent in events published "
        "before this field existed; use the envelope's occurred_at then.",
        examples=[_REVOKED_AT],
    )

    _in_utc = field_validator("revoked_at")(_utc_or_none)


class SessionRevoked(Event):
    """A session (a refresh-token family) ended: every access token it issued is refused.

    Published for a sign-out, a sign-out everywhere and a password change (one event per
    session ended), and when a spent refresh token came back (the session may be stolen).
    """

    event_type = "SessionRevoked"
    topic = IDENTITY_TOPIC
    aggregate_field = "user_id"

    user_id: UUID = Field(description="Id of the session's user.", examples=[_USER_ID])
    session_id: UUID = Field(
        description="Id of the session: the `sid` claim of its access tokens.",
        examples=["4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8"],
    )
    reason: SessionEnd = Field(description="Why the session ended.", examples=["signed_out"])
    revoked_at: AwareDatetime = Field(
        description="When the session ended (UTC).", examples=[_REVOKED_AT]
    )

    _in_utc = field_validator("revoked_at")(to_utc)
