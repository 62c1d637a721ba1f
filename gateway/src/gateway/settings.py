"""Gateway settings: GATEWAY_* plus the common ones (JWKS_URL, LOG_LEVEL, ...)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from servicekit.settings import CommonSettings


class Settings(CommonSettings):
    """Where the gateway listens, where each service is, and the limits it enforces."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", env_ignore_empty=True)

    host: str = "127.0.0.1"
    port: int = 8000
    # Prometheus scrapes this port, on the same host; the public port answers 404 for /metrics.
    metrics_port: int = Field(8006, ge=0, le=65535)
    identity_url: str = "http://127.0.0.1:8001"
    booking_url: str = "http://127.0.0.1:8002"
    shifts_url: str = "http://127.0.0.1:8003"
    notify_url: str = "http://127.0.0.1:8004"
    reporting_url: str = "http://127.0.0.1:8005"
    upstream_timeout_seconds: float = Field(30.0, gt=0)
    upstream_connect_timeout_seconds: float = Field(5.0, gt=0)
    upstream_max_connections: int = Field(100, ge=1)
    rate_limit_per_minute: float = Field(600.0, gt=0)
    rate_limit_burst: int = Field(100, ge=1)
    rate_limit_user_per_minute: float = Field(300.0, gt=0)
    rate_limit_user_burst: int = Field(60, ge=1)
    rate_limit_max_clients: int = Field(100_000, ge=1)
    max_body_bytes: int = Field(1024 * 1024, ge=0)
    # The offline sync push (sync_route.py): its own limits, and a longer wait for a service
    # working through a long run (each new patient costs identity an argon2 hash).
    sync_push_max_bytes: int = Field(1024 * 1024, ge=1)
    sync_push_max_mutations: int = Field(500, ge=1)
    sync_push_timeout_seconds: float = Field(120.0, gt=0)
    # Off unless a proxy we run sits in front: otherwise any client could pick its own address.
    trust_forwarded_for: bool = False
    openapi_cache_seconds: float = Field(60.0, ge=0)
    # NoDecode: the environment value is split below, so a JSON list and "a,b" both work.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # The built web app (Vite's dist: index.html, assets/), served at `/`; unset: none.
    web_dir: Path | None = None

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split(",")
        if isinstance(value, list):
            # A browser's Origin never ends in "/", so "https://a.example/" would never match.
            return [str(origin).strip().rstrip("/") for origin in value if str(origin).strip()]
        return value

    def upstreams(self) -> dict[str, str]:
        """Base URL of every service, by service name."""
        return {
            "identity": self.identity_url,
            "booking": self.booking_url,
            "shifts": self.shifts_url,
            "notify": self.notify_url,
            "reporting": self.reporting_url,
        }
