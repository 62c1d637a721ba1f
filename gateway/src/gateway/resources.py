"""What the gateway's lifespan opens: service clients, token verifier, OpenAPI, user buckets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

import httpx
from fastapi import Depends, Request

from gateway.openapi import MergedOpenApi
from gateway.proxy import Upstreams
from gateway.ratelimit import TokenBucketLimiter
from gateway.settings import Settings
from gateway.tokens import EdgeVerifier


@dataclass
class GatewayResources:
    """Shared by every request of one gateway process."""

    settings: Settings
    upstreams: Upstreams
    verifier: EdgeVerifier
    openapi: MergedOpenApi
    user_limiter: TokenBucketLimiter

    @classmethod
    def open(cls, settings: Settings) -> GatewayResources:
        """Create the clients; connections open lazily on first use."""
        upstreams = Upstreams(settings)
        verifier = EdgeVerifier(
            settings.jwks_url,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            client=httpx.AsyncClient(timeout=5.0, trust_env=False),
        )
        openapi = MergedOpenApi(upstreams, ttl=settings.openapi_cache_seconds)
        user_limiter = TokenBucketLimiter(
            per_minute=settings.rate_limit_user_per_minute,
            burst=settings.rate_limit_user_burst,
            max_clients=settings.rate_limit_max_clients,
        )
        return cls(settings, upstreams, verifier, openapi, user_limiter)

    async def aclose(self) -> None:
        """Close every client."""
        await self.upstreams.aclose()
        await self.verifier.aclose()


def gateway_resources(request: Request) -> GatewayResources:
    """The resources of the app serving the request."""
    return cast(GatewayResources, request.app.state.resources)


Resources = Annotated[GatewayResources, Depends(gateway_resources)]
