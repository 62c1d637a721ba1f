"""Settings of the shifts service (environment variables prefixed SHIFTS_)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Shifts settings; e.g. SHIFTS_DATABASE_URL, SHIFTS_PORT."""

    model_config = SettingsConfigDict(env_prefix="SHIFTS_", extra="ignore", env_ignore_empty=True)
    service_name: ClassVar[str] = "shifts"
    default_port: ClassVar[int] = 8003
