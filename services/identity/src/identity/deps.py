"""What identity's routes depend on besides a session: its signing keys and rules, the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, cast

from fastapi import Depends, Request

from identity.auth.throttle import ThrottlePolicy
from identity.security.keys import KeyRing
from identity.security.password_strength import PasswordPolicy
from identity.settings import Settings


@dataclass(frozen=True)
class IdentityConfig:
    """Keys and account rules of one identity process."""

    keys: KeyRing
    issuer: str
    audience: str
    access_ttl: timedelta
    refresh_ttl: timedelta
    offline_hours: int
    passwords: PasswordPolicy
    per_account: ThrottlePolicy
    per_address: ThrottlePolicy

    @classmethod
    def from_settings(cls, settings: Settings, keys: KeyRing) -> IdentityConfig:
        """The config the settings describe."""
        window = timedelta(seconds=settings.login_failure_window_seconds)
        lockout = timedelta(seconds=settings.login_lockout_seconds)
        return cls(
            keys=keys,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            access_ttl=timedelta(seconds=settings.access_token_ttl_seconds),
            refresh_ttl=timedelta(days=settings.refresh_token_ttl_days),
            offline_hours=settings.offline_session_hours,
            passwords=PasswordPolicy(settings.password_min_length, settings.password_min_score),
            per_account=ThrottlePolicy(settings.login_account_max_failures, window, lockout),
            per_address=ThrottlePolicy(settings.login_address_max_failures, window, lockout),
        )


async def identity_config(request: Request) -> IdentityConfig:
    """The config of the app serving the request."""
    return cast(IdentityConfig, request.app.state.identity)


async def client_address(request: Request) -> str:
    """The caller's address; behind the gateway, uvicorn's proxy headers already resolved it."""
    return request.client.host if request.client else "unknown"


Config = Annotated[IdentityConfig, Depends(identity_config)]
ClientAddress = Annotated[str, Depends(client_address)]
