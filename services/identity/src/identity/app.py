"""The identity service: clinics, accounts and roles, sign-in and tokens, the audit log, JWKS."""

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from identity.audit.router import router as audit_router
from identity.auth.router import router as auth_router
from identity.clinics.router import router as clinics_router
from identity.db import outbox
from identity.deps import IdentityConfig
from identity.security.keys import KeyRing
from identity.settings import Settings
from identity.sync.router import router as sync_router
from identity.users.router import me_router
from identity.users.router import router as users_router

jwks_router = APIRouter(tags=["tokens"])


@jwks_router.get("/.well-known/jwks.json", summary="Public keys that verify access tokens")
async def jwks(request: Request) -> dict[str, Any]:
    """The current and previous signing keys (RFC 7517)."""
    config: IdentityConfig = request.app.state.identity
    return config.keys.jwks()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the identity app."""
    settings = settings or Settings()
    keys = KeyRing(settings.keys_dir, create_if_missing=settings.environment != "production")
    app = create_service_app(
        ServiceRuntime(settings, outbox),
        routers=[
            jwks_router,
            auth_router,
            me_router,
            users_router,
            clinics_router,
            audit_router,
            sync_router,
        ],
        description=__doc__ or "",
    )
    app.state.identity = IdentityConfig.from_settings(settings, keys)
    return app
