"""The merged OpenAPI document, fetched from the services on demand and cached briefly."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from gateway.openapi_merge import GATEWAY, Document, merge_openapi
from gateway.proxy import Upstreams
from gateway.sync_route import push_openapi

log = logging.getLogger(__name__)
FETCH_TIMEOUT_SECONDS = 5.0
# A document missing a service is refetched sooner, so services still starting show up quickly.
INCOMPLETE_TTL_SECONDS = 5.0


class MergedOpenApi:
    """Fetches every service's /openapi.json and merges them; kept `ttl` seconds when complete."""

    def __init__(
        self, upstreams: Upstreams, *, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.upstreams = upstreams
        self.ttl = ttl
        self._clock = clock
        self._document: Document | None = None
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def document(self) -> Document:
        """The merged document, refetched when older than the ttl."""
        async with self._lock:  # one refetch at a time, however many callers wait
            if self._document is None or self._clock() - self._fetched_at >= self._ttl():
                self._document = await self._fetch_and_merge()
                self._fetched_at = self._clock()
            return self._document

    def _ttl(self) -> float:
        complete = self._document is not None and not self._document["x-unavailable-services"]
        return self.ttl if complete else min(self.ttl, INCOMPLETE_TTL_SECONDS)

    async def _fetch_and_merge(self) -> Document:
        services = list(self.upstreams.clients)
        fetched = await asyncio.gather(*(self._fetch(service) for service in services))
        documents = {s: doc for s, doc in zip(services, fetched, strict=True) if doc is not None}
        unavailable = [s for s, doc in zip(services, fetched, strict=True) if doc is None]
        return merge_openapi({**documents, GATEWAY: push_openapi()}, unavailable)

    async def _fetch(self, service: str) -> dict[str, Any] | None:
        client = self.upstreams.client(service)
        try:
            response = await client.get("/openapi.json", timeout=FETCH_TIMEOUT_SECONDS)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("no OpenAPI document from %s (%s)", service, exc)
            return None
        return document if isinstance(document, dict) else None
