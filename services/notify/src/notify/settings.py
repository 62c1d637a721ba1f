"""Settings of the notify service (environment variables prefixed NOTIFY_)."""

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Notify settings; e.g. NOTIFY_DATABASE_URL, NOTIFY_TWILIO_AUTH_TOKEN."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", env_ignore_empty=True)
    service_name: ClassVar[str] = "notify"
    default_port: ClassVar[int] = 8004

    default_provider: str = Field(
        default="log",
        pattern="^(twilio|africastalking|log)$",
        description="Provider for clinics that have not chosen one: `log` writes messages to "
        "the log and the database only (the local stack's default).",
    )
    public_url: str | None = Field(
        default=None,
        description="This system's public base URL (the gateway), for providers' delivery "
        "callbacks, e.g. https://clinic.example.org; none: no callbacks are asked for.",
    )
    twilio_account_sid: str = Field(default="", description="Twilio account SID.")
    # Provider secrets are optional (None, not ""): a deployment sets only its providers'
    # ones, and a secret that is set must still be a real one outside development.
    twilio_auth_token: SecretStr | None = Field(
        default=None, description="Twilio auth token; also checks callback signatures."
    )
    twilio_sms_from: str = Field(default="", description="Twilio sender number for SMS (E.164).")
    twilio_whatsapp_from: str = Field(
        default="", description="Twilio WhatsApp sender number (E.164, without `whatsapp:`)."
    )
    twilio_base_url: str | None = Field(
        default=None, description="Twilio API base URL; only to point the SDK at a local fake."
    )
    africastalking_username: str = Field(default="", description="Africa's Talking username.")
    africastalking_api_key: SecretStr | None = Field(
        default=None, description="Africa's Talking API key."
    )
    africastalking_sender_id: str | None = Field(
        default=None, description="Africa's Talking sender id or short code, if any."
    )
    africastalking_base_url: str | None = Field(
        default=None,
        description="Africa's Talking API base URL; only to point the SDK at a local fake.",
    )
    africastalking_callback_token: SecretStr | None = Field(
        default=None,
        description="Secret that Africa's Talking callbacks must carry as `?token=` "
        "(Africa's Talking does not sign its callbacks); empty refuses them all.",
    )
    provider_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=60,
        description="How long a send may take before its outcome "
        "counts as unknown (then reconciled with the provider before any resend).",
    )
    dispatch_interval_seconds: float = Field(
        default=30.0,
        gt=0,
        le=300,
        description="Longest pause between looks for due messages: the dispatcher otherwise "
        "wakes when the next one falls due, or at once (NOTIFY) when one is planned.",
    )
    dispatch_batch: int = Field(
        default=50, ge=1, le=1000, description="Messages claimed per round by one process."
    )
    dispatch_workers: int = Field(
        default=2,
        ge=1,
        le=16,
        description="Rounds running at once in one process: one claims while another waits "
        "for its providers (they skip each other's rows, as replicas do).",
    )
    dispatch_concurrency: int = Field(
        default=16, ge=1, le=256, description="Sends in flight at once in one process."
    )
    max_attempts: int = Field(
        default=6, ge=1, le=20, description="Attempts before a transient failure is final."
    )
    retry_base_seconds: float = Field(
        default=30.0, gt=0, le=3600, description="First retry delay; doubled each attempt."
    )


def revealed(secret: SecretStr | None) -> str:
    """The secret's value, or "" when it is not set."""
    return secret.get_secret_value() if secret is not None else ""
