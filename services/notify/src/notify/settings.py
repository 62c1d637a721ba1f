"""Settings of the notify service (environment variables prefixed NOTIFY_)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Notify settings; e.g. NOTIFY_DATABASE_URL, NOTIFY_PORT."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", env_ignore_empty=True)
    service_name: ClassVar[str] = "notify"
    default_port: ClassVar[int] = 8004
