"""Idempotency-Key (IETF draft): a retried write replays its first response instead of rerunning.

Only successful results are remembered: the key's row is written in the request's own
transaction, so when the work raises (a Problem, a crash) everything rolls back, the key
stays free and a retry runs the work again. Keys are per caller and live for 24 hours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, serialize_response
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    MetaData,
    SmallInteger,
    Table,
    Text,
    delete,
    func,
    null,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.auth import Principal
from servicekit.problems import Problem

T = TypeVar("T")
HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
TTL = timedelta(hours=24)


class IdempotencyKeys:
    """The idempotency_keys table of one service schema: one remembered response per key."""

    def __init__(self, metadata: MetaData, *, ttl: timedelta = TTL) -> None:
        self.ttl = ttl
        self.table = Table(
            "idempotency_keys",
            metadata,
            Column("scope", Text, primary_key=True),
            Column("key", Text, primary_key=True),
            Column("request_hash", Text, nullable=False),
            # NULL only inside the claiming transaction, which others wait for: never read.
            Column("status_code", SmallInteger),
            Column("body", JSONB),
            Column("location", Text),
            Column(
                "created_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
            Index("ix_idempotency_keys_created_at", "created_at"),
        )

    async def claim(self, session: AsyncSession, scope: str, key: str, request_hash: str) -> bool:
        """Take the key for this transaction (True), or find it taken (False; row now locked)."""
        t = self.table
        stmt = insert(t).values(scope=scope, key=key, request_hash=request_hash)
        # A concurrent claimer blocks on the unique index until we commit or roll back; an
        # expired row is taken over in the same statement, so no window for a second winner.
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.scope, t.c.key],
            set_={
                "request_hash": stmt.excluded.request_hash,
                "status_code": null(),
                "body": null(),
                "location": null(),
                "created_at": func.now(),
            },
            where=t.c.created_at < func.now() - self.ttl,
        )
        return (await session.execute(stmt.returning(t.c.key))).first() is not None

    async def purge_expired(
        self, session: AsyncSession, older_than: timedelta | None = None
    ) -> int:
        """Delete keys older than `older_than` (default the TTL); how many went."""
        cutoff = func.now() - (older_than or self.ttl)
        result = await session.execute(delete(self.table).where(self.table.c.created_at < cutoff))
        return int(getattr(result, "rowcount", 0) or 0)


def _checked_key(raw: str) -> str:
    # The draft sends an sf-string ("..."); bare tokens, as most clients send, are the same key.
    key = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    if not 1 <= len(key) <= 255 or not all("!" <= c <= "~" for c in key):
        raise Problem(
            f"{HEADER} must be 1 to 255 visible ASCII characters.",
            slug="bad-idempotency-key",
        )
    return key


def request_hash(method: str, path: str, query: str, body: bytes) -> str:
    """sha256 of method, path, canonical (sorted) query and raw body."""
    canonical = urlencode(sorted(parse_qsl(query, keep_blank_values=True)))
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), canonical.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)  # length-prefixed: no ambiguity
    return digest.hexdigest()


@dataclass(frozen=True)
class IdempotentRequest:
    """What a route needs to run its work at most once per Idempotency-Key."""

    keys: IdempotencyKeys
    key: str | None
    request_hash: str
    client: str
    route: APIRoute | None

    async def run(
        self,
        session: AsyncSession,
        caller: Principal | None,
        work: Callable[[], Awaitable[T]],
        *,
        status_code: int | None = None,
        location: str | Callable[[T], str] | None = None,
    ) -> JSONResponse:
        """Run `work` and answer with its result, or replay the answer this key already got."""
        status = status_code or (self.route.status_code if self.route else None) or 200
        if self.key is None:
            return await self.answer(await work(), status_code=status, location=location)
        scope = f"user:{caller.user_id}" if caller else f"anon:{self.client}"
        table = self.keys.table
        mine = (table.c.scope == scope) & (table.c.key == self.key)
        if not await self.keys.claim(session, scope, self.key, self.request_hash):
            stored = (await session.execute(select(table).where(mine))).one()
            if stored.request_hash != self.request_hash:
                raise Problem(
                    f"This {HEADER} was already used for a different request.",
                    status=422,
                    slug="idempotency-key-reused",
                )
            return _response(stored.body, stored.status_code, stored.location, replayed=True)
        result = await work()
        body, where = await self._encode(result), _where(location, result)
        await session.execute(
            update(table).where(mine).values(status_code=status, body=body, location=where)
        )
        return _response(body, status, where)

    async def answer(
        self,
        result: T,
        *,
        status_code: int | None = None,
        location: str | Callable[[T], str] | None = None,
    ) -> JSONResponse:
        """The answer to a request sent without a key: `result` through the route's model."""
        status = status_code or (self.route.status_code if self.route else None) or 200
        return _response(await self._encode(result), status, _where(location, result))

    async def _encode(self, result: Any) -> Any:
        # Through the route's response_model, exactly as FastAPI would answer without us.
        route = self.route
        return await serialize_response(
            field=route.response_field if route else None,
            response_content=result,
            include=route.response_model_include if route else None,
            exclude=route.response_model_exclude if route else None,
            by_alias=route.response_model_by_alias if route else True,
            exclude_unset=bool(route and route.response_model_exclude_unset),
            exclude_defaults=bool(route and route.response_model_exclude_defaults),
            exclude_none=bool(route and route.response_model_exclude_none),
        )


def _where(location: str | Callable[[T], str] | None, result: T) -> str | None:
    return location(result) if callable(location) else location


def _response(body: Any, status: int, location: str | None, replayed: bool = False) -> JSONResponse:
    headers = {"Location": location} if location else {}
    if replayed:
        headers[REPLAYED] = "true"
    return JSONResponse(body, status_code=status, headers=headers)


def idempotency_dependency(
    keys: IdempotencyKeys,
) -> Callable[..., Awaitable[IdempotentRequest]]:
    """The dependable: `Idempotent = Annotated[IdempotentRequest, Depends(this(keys))]`."""

    async def idempotent_request(
        request: Request,
        key: Annotated[
            str | None,
            Header(
                alias=HEADER,
                description="Makes a retry safe: a repeat of the request replays the first answer.",
            ),
        ] = None,
    ) -> IdempotentRequest:
        route = request.scope.get("route")
        return IdempotentRequest(
            keys=keys,
            key=None if key is None else _checked_key(key),
            # FastAPI has already read (and cached) the body to parse the route's model.
            request_hash=request_hash(
                request.method, request.url.path, request.url.query, await request.body()
            ),
            client=request.client.host if request.client else "unknown",
            route=route if isinstance(route, APIRoute) else None,
        )

    return idempotent_request
