"""What the gateway's lifespan opens: service clients, token verifier and the revocations it
follows, OpenAPI, user buckets."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Annotated, cast

import httpx
from fastapi import Depends, Request
from servicekit.revocation_feed import RevocationFeed

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
    revocation_feed: RevocationFeed
    _following: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def open(cls, settings: Settings) -> GatewayResources:
        """Create the clients (connections open lazily on first use); follow revocations."""
        upstreams = Upstreams(settings)
        feed = RevocationFeed.from_settings(settings, client_id="gateway")
        verifier = EdgeVerifier(
            settings.jwks_url,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            client=httpx.AsyncClient(timeout=5.0, trust_env=False),
            leeway=settings.jwt_leeway_seconds,
            revocations=feed.projection,
        )
        openapi = MergedOpenApi(upstreams, ttl=settings.openapi_cache_seconds)
        user_limiter = TokenBucketLimiter(
            per_minute=settings.rate_limit_user_per_minute,
            burst=settings.rate_limit_user_burst,
            max_clients=settings.rate_limit_max_clients,
        )
        resources = cls(settings, upstreams, verifier, openapi, user_limiter, feed)
        resources._following = asyncio.create_task(feed.run(), name="gateway-revocations")
        return resources

    async def aclose(self) -> None:
        """Stop following revocations; close every client."""
        if self._following is not None:
            self._following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._following
        await self.upstreams.aclose()
        await self.verifier.aclose()


async def gateway_resources(request: Request) -> GatewayResources:
    """The resources of the app serving the request (async: FastAPI would run a plain function
    in a worker thread, a hop per request)."""
    return cast(GatewayResources, request.app.state.resources)


Resources = Annotated[GatewayResources, Depends(gateway_resources)]
