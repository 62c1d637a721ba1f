"""Settings of the booking service (environment variables prefixed BOOKING_)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Booking settings; e.g. BOOKING_DATABASE_URL, BOOKING_PORT."""

    model_config = SettingsConfigDict(env_prefix="BOOKING_", extra="ignore", env_ignore_empty=True)
    service_name: ClassVar[str] = "booking"
    default_port: ClassVar[int] = 8002
