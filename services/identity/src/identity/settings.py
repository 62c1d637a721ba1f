"""Settings of the identity service (environment variables prefixed IDENTITY_)."""

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, model_validator
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
    # How long a front desk device keeps working offline after its last online sign-in or
    # refresh (docs/offline-sync.md); the web session's refresh cookie must outlive it.
    offline_session_hours: int = Field(72, ge=1)
    # OWASP: at least 8 characters, at least 64 allowed, no composition rules.
    password_min_length: int = Field(12, ge=8, le=64)
    # zxcvbn's 0-4 scale; 3 means about 10^8 guesses or more ("safely unguessable" online).
    password_min_score: int = Field(3, ge=0, le=4)
    login_account_max_failures: int = Field(5, ge=1)
    login_address_max_failures: int = Field(30, ge=1)
    login_failure_window_seconds: int = Field(900, ge=1)
    login_lockout_seconds: int = Field(900, ge=1)
    # The web app's refresh cookie (auth/session_routes.py). `auto`: Secure unless the browser
    # came over plain HTTP to a loopback host (the local stack); `always`: Secure every time.
    session_cookie_secure: Literal["auto", "always"] = "auto"
    # Whether X-Forwarded-Proto and -Host name the origin the browser addressed (the cookie's
    # Secure, the CSRF Origin check). Identity is reached only through the gateway, which
    # always writes both; switch off if callers can reach identity directly (then the scheme
    # is uvicorn's, FORWARDED_ALLOW_IPS deciding, and the Host header counts).
    trust_forwarded_origin: bool = True

    @model_validator(mode="after")
    def _refresh_outlives_offline_sessions(self) -> "Settings":
        # A device coming back online refreshes before it pushes: its cookie must still work.
        if self.offline_session_hours > self.refresh_token_ttl_days * 24:
            raise ValueError(
                "IDENTITY_OFFLINE_SESSION_HOURS must not exceed the refresh token's lifetime "
                "(IDENTITY_REFRESH_TOKEN_TTL_DAYS x 24)"
            )
        return self
