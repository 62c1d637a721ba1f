"""Settings of the reporting service (environment variables prefixed REPORTING_)."""

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Reporting settings; e.g. REPORTING_DATABASE_URL, REPORTING_PORT."""

    model_config = SettingsConfigDict(
        env_prefix="REPORTING_", extra="ignore", env_ignore_empty=True
    )
    service_name: ClassVar[str] = "reporting"
    default_port: ClassVar[int] = 8005

    utilisation_refresh_seconds: float = Field(
        default=60.0, gt=0, description="How often the clinic_utilisation_ratio gauge is set."
    )
    rebuild_batch_size: int = Field(
        default=1000, ge=1, description="Facts replayed per batch by `python -m reporting rebuild`."
    )
