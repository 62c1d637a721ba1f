"""Validated field types shared by identity's request bodies (names, contacts, passwords)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import phonenumbers
from clinic_contracts.identity import (
    LANGUAGE_TAG,
    BookingPolicy,
    NotificationConsent,
    message_language,
)
from pydantic import AfterValidator, EmailStr, Field, SecretStr

__all__ = ["BookingPolicy", "NotificationConsent"]


def _e164(value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("must be a phone number in E.164 form, e.g. +254712345678") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _stripped(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return " ".join(value.split())


def _message_language(tag: str) -> str:
    message_language(tag)  # a language notify cannot word messages in is refused
    return tag  # the region stays: it decides how dates and times are written


def _plausible_birth_date(value: date) -> date:
    today = datetime.now(UTC).date()
    if value > today:
        raise ValueError("must not be in the future")
    if value.year < today.year - 130:
        raise ValueError("is too far in the past")
    return value


Phone = Annotated[
    str,
    Field(max_length=32, examples=["+254712345678"], description="Phone number in E.164."),
    AfterValidator(_e164),
]
FullName = Annotated[
    str, Field(min_length=1, max_length=200, examples=["Amina Odhiambo"]), AfterValidator(_stripped)
]
LanguageTag = Annotated[
    str,
    Field(
        pattern=LANGUAGE_TAG,
        max_length=35,
        examples=["sw"],
        description="BCP 47 language tag for messages: en, sw or fr, with a region if "
        "wanted (sw-KE).",
    ),
    AfterValidator(_message_language),
]
BirthDate = Annotated[date, AfterValidator(_plausible_birth_date)]
Email = Annotated[EmailStr, Field(max_length=254, examples=["amina@example.org"])]
Password = Annotated[SecretStr, Field(max_length=1024, examples=["correct horse battery"])]
NewPassword = Annotated[
    SecretStr,
    Field(
        max_length=1024,
        examples=["jua kali mango sunrise"],
        description="A new password: 12 to 128 characters (the minimum is a setting), any "
        "characters, none required; not a leaked or common password even with digits or "
        "symbols added at either end; not built on the person's name, phone, email or birth "
        "date; and hard to guess (zxcvbn score of at least 3 of 4 by default). A refusal is "
        "422 `weak-password` saying why, with suggestions. The rules as configured: "
        "GET /v1/auth/password-policy.",
    ),
]
Specialty = Annotated[str, Field(min_length=1, max_length=100, examples=["paediatrics"])]
