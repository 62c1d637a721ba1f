"""Refresh-token and throttling queries."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from identity.auth.models import LoginThrottle, RefreshToken
from identity.auth.throttle import ThrottlePolicy, ThrottleState, after_failure

TOKEN_PREFIX = "rt_"  # noqa: S105 - a marker, not a secret


def token_hash(token: str) -> bytes:
    """What is stored of a refresh token: 256 random bits need no slow hash, only a digest."""
    return hashlib.sha256(token.encode()).digest()


async def issue(
    session: AsyncSession, *, user_id: UUID, family_id: UUID, ttl: timedelta, now: datetime
) -> str:
    """Store a new refresh token of a family and return it (the only time it is readable)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            id=uuid.uuid4(),
            family_id=family_id,
            user_id=user_id,
            token_hash=token_hash(token),
            issued_at=now,
            expires_at=now + ttl,
        )
    )
    await session.flush()
    return token


async def by_token_for_update(session: AsyncSession, token: str) -> RefreshToken | None:
    """The stored refresh token, locked so concurrent uses of it queue up."""
    query = select(RefreshToken).where(RefreshToken.token_hash == token_hash(token))
    return (await session.scalars(query.with_for_update())).one_or_none()


async def revoke_family(session: AsyncSession, family_id: UUID, now: datetime) -> bool:
    """Revoke every live token of a family; whether the family was live until now."""
    revoked = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(RefreshToken.id)
    )
    return revoked.first() is not None


async def revoke_all_of(session: AsyncSession, user_id: UUID) -> set[UUID]:
    """Revoke every live refresh token of a user; the families (sessions) that ended."""
    revoked = await session.scalars(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
        .returning(RefreshToken.family_id)
    )
    return set(revoked)


async def family_revoked(session: AsyncSession, family_id: UUID) -> bool:
    """Whether the family was revoked: a token rotated in while it was being revoked (it was
    not there to be revoked with the others) must not keep the session alive."""
    query = select(RefreshToken.id).where(
        RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_not(None)
    )
    return (await session.scalars(query.limit(1))).first() is not None


async def throttle_states(session: AsyncSession, keys: Iterable[str]) -> list[ThrottleState]:
    """The throttling state of each key that has one."""
    rows = await session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(list(keys))))
    return [ThrottleState(r.failures, r.window_started_at, r.blocked_until) for r in rows]


async def record_failure(
    session: AsyncSession, key: str, policy: ThrottlePolicy, now: datetime
) -> None:
    """Count one failed sign-in against a key."""
    await session.execute(
        insert(LoginThrottle)
        .values(key=key, failures=0, window_started_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    row = await session.get_one(LoginThrottle, key, with_for_update=True, populate_existing=True)
    state = after_failure(
        ThrottleState(row.failures, row.window_started_at, row.blocked_until), policy, now
    )
    row.failures, row.window_started_at = state.failures, state.window_started_at
    row.blocked_until = state.blocked_until


async def clear_throttle(session: AsyncSession, key: str) -> None:
    """Forget the failures of a key (after a successful sign-in)."""
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
