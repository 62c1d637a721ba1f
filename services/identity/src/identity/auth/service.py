"""Sign-in, refresh-token rotation and sign-out; never committed here (see also registration).

Refusals that must leave a trace (throttling counters, audit entries, a revoked token family)
raise `Refused`, which routes return as a response so that the request still commits.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

import phonenumbers
from clinic_contracts.identity import SessionEnd
from servicekit.auth import PATIENT, Membership, Principal
from servicekit.problems import Problem
from sqlalchemy.ext.asyncio import AsyncSession

from identity.audit import service as audit
from identity.auth import repository as tokens
from identity.auth.models import RefreshToken
from identity.auth.schemas import LogoutRequest, TokenPair, TokenRequest
from identity.auth.sessions import announce_ended
from identity.auth.throttle import retry_after_seconds
from identity.deps import IdentityConfig
from identity.security import passwords
from identity.security.tokens import issue_access_token
from identity.users import repository as users
from identity.users.models import User

SIGN_IN_REFUSED = "The username or password is wrong."


class Refused(Problem):
    """A refusal whose side effects (counters, audit, revocations) must still commit."""

    status, slug = 401, "invalid-credentials"


async def sign_in(
    *, session: AsyncSession, data: TokenRequest, config: IdentityConfig, client: str
) -> TokenPair:
    """Tokens for a correct username and password; the same 401 for every other case."""
    now = datetime.now(UTC)
    canonical = _canonical_login(data.username)
    keys = (f"account:{canonical or data.username.strip().lower()}", f"address:{client}")
    await _refuse_if_throttled(session, keys, now=now, client=client)
    user = await _find_by_login(session, canonical)
    password = data.password.get_secret_value()
    # Verified even for unknown or deactivated accounts, so the time taken gives nothing away.
    matches = await passwords.verify_password(password, user.password_hash if user else None)
    if user is None or not matches or not user.active:
        await _count_failure(session, keys, user, matches, config=config, now=now, client=client)
        raise Refused(SIGN_IN_REFUSED)
    await tokens.clear_throttle(session, keys[0])
    if user.password_hash is not None and passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_password(password)
    await audit.record(
        session,
        action="auth.sign_in",
        actor_id=user.id,
        subject_id=user.id,
        client_address=client,
    )
    return await _token_pair(
        session,
        user,
        family_id=uuid.uuid4(),
        config=config,
        now=now,
        refusal=Refused(SIGN_IN_REFUSED),
    )


async def _refuse_if_throttled(
    session: AsyncSession, keys: tuple[str, str], *, now: datetime, client: str
) -> None:
    """429 with Retry-After while the account name or the address is locked out."""
    states = await tokens.throttle_states(session, keys)
    wait = max((retry_after_seconds(s, now) for s in states), default=0)
    if wait:
        await audit.record(
            session,
            action="auth.sign_in",
            outcome="failure",
            client_address=client,
            details={"reason": "throttled"},
        )
        raise Refused(
            f"Too many failed sign-ins; try again in {wait} s.",
            status=429,
            slug="sign-in-throttled",
            headers={"Retry-After": str(wait)},
        )


async def _count_failure(
    session: AsyncSession,
    keys: tuple[str, str],
    user: User | None,
    matches: bool,
    *,
    config: IdentityConfig,
    now: datetime,
    client: str,
) -> None:
    """Count a failed sign-in against the account name and the address, and audit why."""
    for key, policy in zip(keys, (config.per_account, config.per_address), strict=True):
        await tokens.record_failure(session, key, policy, now)
    reason = (
        "unknown_account" if user is None else ("wrong_password" if not matches else "deactivated")
    )
    await audit.record(
        session,
        action="auth.sign_in",
        outcome="failure",
        subject_id=user.id if user else None,
        client_address=client,
        details={"reason": reason},
    )


async def refresh(
    *, session: AsyncSession, refresh_token: str, config: IdentityConfig, client: str
) -> TokenPair:
    """Spend a refresh token for a new pair; a spent token coming back revokes its family."""
    now = datetime.now(UTC)
    stored = await tokens.by_token_for_update(session, refresh_token)
    refused = Refused("The refresh token is not valid.", slug="invalid-refresh-token")
    if stored is None or stored.revoked_at is not None:
        raise refused
    if await tokens.family_revoked(session, stored.family_id):
        raise refused
    if stored.used_at is not None:
        # Someone holds a copy of a token that was already rotated: end the whole session.
        await tokens.revoke_family(session, stored.family_id, now)
        await announce_ended(
            session,
            user_id=stored.user_id,
            families=[stored.family_id],
            reason="refresh_token_reused",
        )
        await audit.record(
            session,
            action="auth.refresh_reuse",
            outcome="failure",
            subject_id=stored.user_id,
            client_address=client,
            details={"family_id": str(stored.family_id)},
        )
        raise refused
    user = await users.get(session, stored.user_id)
    if stored.expires_at <= now or user is None or not user.active:
        raise refused
    stored.used_at = now
    return await _token_pair(
        session, user, family_id=stored.family_id, config=config, now=now, refusal=refused
    )


async def sign_out(
    *, session: AsyncSession, actor: Principal, data: LogoutRequest, client: str
) -> None:
    """Revoke the refresh token's family, or every refresh token of the caller; their access
    tokens are refused everywhere as soon as the services read the announcement."""
    now = datetime.now(UTC)
    reason: SessionEnd
    if data.everywhere:
        ended, reason = await tokens.revoke_all_of(session, actor.user_id), "signed_out_everywhere"
    elif data.refresh_token is not None:
        stored = await tokens.by_token_for_update(session, data.refresh_token.get_secret_value())
        if stored is not None and stored.user_id != actor.user_id:
            stored = None  # someone else's is left alone, and the answer does not say whose
        ended, reason = await _revoke_family_of(session, stored, now), "signed_out"
    else:
        raise Problem(
            "Send a refresh_token, or everywhere=true.", status=422, slug="nothing-to-revoke"
        )
    await _signed_out(
        session,
        user_id=actor.user_id,
        ended=ended,
        reason=reason,
        client=client,
        everywhere=data.everywhere,
    )


async def sign_out_with_refresh_token(
    *, session: AsyncSession, refresh_token: str, client: str
) -> None:
    """End the session a refresh token belongs to, on the strength of the token alone: the web
    app's cookie, sent when its access token may have expired. A spent token of the session
    counts too: presented for a refresh, it would end the session all the same."""
    stored = await tokens.by_token_for_update(session, refresh_token)
    if stored is None:
        return  # nothing to end, and nobody to name in the audit log
    ended = await _revoke_family_of(session, stored, datetime.now(UTC))
    await _signed_out(
        session,
        user_id=stored.user_id,
        ended=ended,
        reason="signed_out",
        client=client,
        everywhere=False,
    )


async def _revoke_family_of(
    session: AsyncSession, stored: RefreshToken | None, now: datetime
) -> set[UUID]:
    if stored is None:
        return set()
    return (
        {stored.family_id} if await tokens.revoke_family(session, stored.family_id, now) else set()
    )


async def _signed_out(
    session: AsyncSession,
    *,
    user_id: UUID,
    ended: set[UUID],
    reason: SessionEnd,
    client: str,
    everywhere: bool,
) -> None:
    await announce_ended(session, user_id=user_id, families=ended, reason=reason)
    await audit.record(
        session,
        action="auth.logout",
        actor_id=user_id,
        subject_id=user_id,
        client_address=client,
        details={"everywhere": everywhere},
    )


async def _token_pair(
    session: AsyncSession,
    user: User,
    *,
    family_id: UUID,
    config: IdentityConfig,
    now: datetime,
    refusal: Refused,
) -> TokenPair:
    # Issued at the database's clock, under a lock that orders it against revocations.
    issued_at = await users.lock_for_issuing(session, user.id)
    if issued_at is None:  # deactivated since it was read
        raise refusal
    if user.kind == "patient":
        roles = [Membership(PATIENT)]
    else:
        roles = [
            Membership(m.role, m.clinic_id) for m in await users.memberships_of(session, [user.id])
        ]
    access = issue_access_token(
        config.keys.current,
        subject=user.id,
        memberships=roles,
        issuer=config.issuer,
        audience=config.audience,
        session_id=family_id,
        ttl=config.access_ttl,
        now=issued_at,
    )
    refresh_token = await tokens.issue(
        session, user_id=user.id, family_id=family_id, ttl=config.refresh_ttl, now=now
    )
    return TokenPair(
        access_token=access,
        expires_in=int(config.access_ttl.total_seconds()),
        refresh_token=refresh_token,
        refresh_expires_in=int(config.refresh_ttl.total_seconds()),
    )


def _canonical_login(username: str) -> str | None:
    """The email (lower case) or E.164 phone a username names, whatever its spelling."""
    username = username.strip()
    if "@" in username:
        return username.lower()
    try:
        number = phonenumbers.parse(username, None)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


async def _find_by_login(session: AsyncSession, login: str | None) -> User | None:
    if login is None:
        return None
    if "@" in login:
        return await users.by_email(session, login)
    return await users.by_phone(session, login)
