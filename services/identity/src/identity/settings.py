"""Settings of the identity service (environment variables prefixed IDENTITY_)."""

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from servicekit.auth import MAX_ACCESS_TOKEN_TTL_SECONDS
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Identity settings; e.g. IDENTITY_DATABASE_URL, IDENTITY_PORT."""

    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore", env_ignore_empty=True)
    service_name: ClassVar[str] = "identity"
    default_port: ClassVar[int] = 8001

    keys_dir: Path = Path(".state/keys")
    # Every verifier refuses longer-lived tokens: revocations are kept only that long.
    access_token_ttl_seconds: int = Field(900, le=MAX_ACCESS_TOKEN_TTL_SECONDS, gt=0)
    refresh_token_ttl_days: int = Field(30, ge=1, le=365)
    # OWASP: at least 8 characters, at least 64 allowed, no composition rules.
    password_min_length: int = Field(12, ge=8, le=64)
    # zxcvbn's 0-4 scale; 3 means about 10^8 guesses or more ("safely unguessable" online).
    password_min_score: int = Field(3, ge=0, le=4)
    login_account_max_failures: int = Field(5, ge=1)
    login_address_max_failures: int = Field(30, ge=1)
    login_failure_window_seconds: int = Field(900, ge=1)
    login_lockout_seconds: int = Field(900, ge=1)
