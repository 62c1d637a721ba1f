"""Settings of the reporting service (environment variables prefixed REPORTING_)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Reporting settings; e.g. REPORTING_DATABASE_URL, REPORTING_PORT."""

    model_config = SettingsConfigDict(
        env_prefix="REPORTING_", extra="ignore", env_ignore_empty=True
    )
    service_name: ClassVar[str] = "reporting"
    default_port: ClassVar[int] = 8005
