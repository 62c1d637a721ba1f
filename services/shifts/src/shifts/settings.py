"""Settings of the shifts service (environment variables prefixed SHIFTS_)."""

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Shifts settings; e.g. SHIFTS_DATABASE_URL, SHIFTS_HORIZON_WEEKS."""

    model_config = SettingsConfigDict(env_prefix="SHIFTS_", extra="ignore", env_ignore_empty=True)
    service_name: ClassVar[str] = "shifts"
    default_port: ClassVar[int] = 8003

    horizon_weeks: int = Field(
        default=12, ge=1, le=104, description="How far ahead templates are turned into shifts."
    )
    horizon_check_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="How often the service rolls the horizon forward as days pass.",
    )
