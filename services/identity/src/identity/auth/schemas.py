"""Registration, sign-in and token request and response bodies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from identity.schemas import (
    BirthDate,
    Email,
    FullName,
    LanguageTag,
    NewPassword,
    NotificationConsent,
    Phone,
)


class PatientDetails(BaseModel):
    """Who a new patient is; the phone number is also their sign-in name."""

    model_config = ConfigDict(extra="forbid")

    full_name: FullName
    phone: Phone
    email: Email | None = None
    date_of_birth: BirthDate | None = None
    preferred_language: LanguageTag = "en"
    consent: NotificationConsent = Field(
        default_factory=NotificationConsent,
        description="Channels the patient agrees to get confirmations and reminders on.",
    )


class PatientRegister(PatientDetails):
    """A patient signing themselves up; the phone number is also their sign-in name."""

    password: NewPassword


class TokenRequest(BaseModel):
    """Sign-in with a phone number or email address and a password."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(
        min_length=1,
        max_length=254,
        description="Phone number (E.164) or email address.",
        examples=["+254712345678"],
    )
    password: SecretStr = Field(max_length=1024)


class RefreshRequest(BaseModel):
    """A refresh token to exchange; it is spent by the exchange."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: SecretStr = Field(max_length=200)


class LogoutRequest(BaseModel):
    """End one session (the refresh token's family), or every session of the caller."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: SecretStr | None = Field(default=None, max_length=200)
    everywhere: bool = Field(default=False, description="Revoke every refresh token you hold.")


# Headers of every answer carrying a token: no cache may keep it (RFC 6749 §5.1).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class BearerToken(BaseModel):
    """An access token (a JWT, at most 15 minutes)."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - RFC 6749 token type
    expires_in: int = Field(description="Seconds the access token is valid for.")


class AccessToken(BearerToken):
    """An access token (a JWT, at most 15 minutes); the web app's refresh token is a cookie."""

    offline_hours: int = Field(
        description="Hours a front desk device may keep working offline after this sign-in "
        "or refresh (IDENTITY_OFFLINE_SESSION_HOURS); the session cookie outlives them.",
        examples=[72],
    )


class TokenPair(BearerToken):
    """An access token (a JWT, at most 15 minutes) and the refresh token that renews it."""

    refresh_token: str = Field(description="Opaque; single use: each refresh returns a new one.")
    refresh_expires_in: int = Field(description="Seconds the refresh token is valid for.")


class PasswordPolicyRead(BaseModel):
    """What a new password must be, to show before one is chosen."""

    min_length: int = Field(description="Fewest characters (after NFKC).", examples=[12])
    max_length: int = Field(description="Most characters.", examples=[128])
    min_score: int = Field(
        description="Lowest zxcvbn strength score accepted, on its 0-4 scale.", examples=[3]
    )
    rules: list[str] = Field(
        description="The rules in plain English, in the order to show them.",
        examples=[["Do not build it on your name, phone number, email address or date of birth."]],
    )
