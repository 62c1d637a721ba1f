"""Settings of the booking service (environment variables prefixed BOOKING_)."""

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Booking settings; e.g. BOOKING_DATABASE_URL, BOOKING_PORT."""

    model_config = SettingsConfigDict(env_prefix="BOOKING_", extra="ignore", env_ignore_empty=True)
    service_name: ClassVar[str] = "booking"
    default_port: ClassVar[int] = 8002

    hold_minutes: int = Field(
        default=5, ge=1, le=60, description="How long a slot hold keeps a slot for its holder."
    )
    waitlist_offer_minutes: int = Field(
        default=60,
        ge=1,
        le=1440,
        description="How long a waitlist patient has to take an offered slot before it "
        "passes to the next in line.",
    )
    hold_sweep_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="How often lapsed holds are released and lapsed offers passed on.",
    )
