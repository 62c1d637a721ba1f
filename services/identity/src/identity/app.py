"""The identity service app: clinics, and the JWKS every service verifies tokens with."""

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from identity.clinics.router import router as clinics_router
from identity.db import outbox
from identity.keys import KeyRing
from identity.settings import Settings

jwks_router = APIRouter(tags=["tokens"])


@jwks_router.get("/.well-known/jwks.json", summary="Public keys that verify access tokens")
async def jwks(request: Request) -> dict[str, Any]:
    """The current and previous signing keys (RFC 7517)."""
    keys: KeyRing = request.app.state.keys
    return keys.jwks()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the identity app."""
    settings = settings or Settings()
    keys = KeyRing(settings.keys_dir, create_if_missing=settings.environment != "production")
    app = create_service_app(
        ServiceRuntime(settings, outbox),
        routers=[jwks_router, clinics_router],
        description=__doc__ or "",
    )
    app.state.keys = keys
    return app
