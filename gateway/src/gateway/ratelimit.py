"""Token buckets per client address and per user; in memory, so each replica counts alone."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from prometheus_client import Counter
from servicekit.problems import Problem, problem_response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.headers import client_address

RATE_LIMITED = Counter(
    "gateway_rate_limited_total",
    "Requests refused by the rate limit, by bucket (client address or user)",
    ["scope"],
)
# Where the user bucket's decision waits in the request state for the client middleware.
USER_DECISION = "user_rate_limit"


class RateLimited(Problem):
    status, slug = 429, "rate-limited"


@dataclass(frozen=True)
class Decision:
    """Whether one request may pass, and what to tell the client about its bucket."""

    allowed: bool
    limit: int
    remaining: int
    retry_after_seconds: int

    def headers(self) -> dict[str, str]:
        """RateLimit-* headers (IETF draft), plus Retry-After when refused."""
        headers = {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining)}
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after_seconds)
        return headers


def tighter(client: Decision, user: Decision | None) -> Decision:
    """The decision to report: a refusal first, else the bucket with fewer tokens left."""
    if user is None:
        return client
    return min(client, user, key=lambda d: (d.allowed, d.remaining))


@dataclass(frozen=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """`burst` requests at once, refilled at `per_minute`; at most `max_clients` buckets kept."""

    def __init__(
        self,
        *,
        per_minute: float,
        burst: int,
        max_clients: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.max_clients = max_clients
        self._clock = clock
        self._full_after = burst / self.rate
        # Least recently seen first, so pruning only ever looks at the front.
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, client: str) -> Decision:
        """Spend one token of the client's bucket if it has one."""
        now = self._clock()
        bucket = self._buckets.pop(client, None) or _Bucket(self.burst, now)
        self._prune(now)  # after the pop, so a known client never evicts itself
        tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        allowed = tokens >= 1
        if allowed:
            tokens -= 1
        self._buckets[client] = _Bucket(tokens, now)
        wait = 0 if allowed else max(1, math.ceil((1 - tokens) / self.rate))
        return Decision(allowed, self.burst, math.floor(tokens), wait)

    def _prune(self, now: float) -> None:
        while self._buckets:
            client, oldest = next(iter(self._buckets.items()))
            # A bucket idle long enough to refill is the same as no bucket; beyond the cap the
            # least recently seen client is forgotten (it gets a full bucket back).
            if len(self._buckets) < self.max_clients and now - oldest.updated < self._full_after:
                return
            del self._buckets[client]


class RateLimitMiddleware:
    """Refuses requests over the caller's budget with 429 problem+json; paths for which
    `exempt(path)` holds (ops endpoints, the web app's files) spend nothing."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: TokenBucketLimiter,
        exempt: Callable[[str], bool],
        trust_forwarded_for: bool,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.exempt = exempt
        self.trust_forwarded_for = trust_forwarded_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        peer = scope["client"][0] if scope.get("client") else "unknown"
        client = client_address(
            peer, list(scope["headers"]), trust_forwarded_for=self.trust_forwarded_for
        )
        decision = self.limiter.take(client)
        if not decision.allowed:
            RATE_LIMITED.labels("client").inc()
            response = problem_response(
                429,
                slug="rate-limited",
                detail=f"Too many requests; retry in {decision.retry_after_seconds} s.",
                instance=scope["path"],
                headers=decision.headers(),
            )
            await response(scope, receive, send)
            return

        # Created here so the route's writes land in a dict this middleware still holds.
        state = scope.setdefault("state", {})

        async def send_with_budget(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                reported = tighter(decision, state.get(USER_DECISION))
                for name, value in reported.headers().items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_budget)


def spend_user_budget(request: Request, limiter: TokenBucketLimiter, user_id: str) -> None:
    """Take one token from the user's bucket; 429 when it is empty, whatever the address."""
    decision = limiter.take(user_id)
    setattr(request.state, USER_DECISION, decision)  # RateLimitMiddleware reports the tighter
    if not decision.allowed:
        RATE_LIMITED.labels("user").inc()
        raise RateLimited(
            f"Too many requests from this user; retry in {decision.retry_after_seconds} s.",
            headers=decision.headers(),
        )
