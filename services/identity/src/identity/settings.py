"""Settings of the identity service (environment variables prefixed IDENTITY_)."""

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Identity settings; e.g. IDENTITY_DATABASE_URL, IDENTITY_PORT."""

    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore", env_ignore_empty=True)
    service_name: ClassVar[str] = "identity"
    default_port: ClassVar[int] = 8001

    keys_dir: Path = Path(".state/keys")
    access_token_ttl_seconds: int = Field(900, le=900, gt=0)
