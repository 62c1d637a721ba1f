"""Which access tokens identity has revoked, kept in memory for as long as they could be used.

Identity announces three kinds of revocation on its topic; each covers tokens as follows:

- `UserDeactivated`: the user's tokens issued at or before `deactivated_at`;
- `MembershipRevoked`: the user's tokens issued at or before `revoked_at` that carry the role
  (a token refreshed afterwards no longer carries it, and works);
- `SessionRevoked`: every token whose `sid` is the session (a session never comes back).

Instants are compared to the microsecond: identity takes both the token's `iat` and the
revocation's instant from PostgreSQL's clock under a lock on the user's row, so a token issued
after a revocation (a role granted again, a refresh in the same second) is never covered.

A revocation is forgotten once no token it covers can be accepted any more: such a token was
issued at or before it, so it expires within MAX_ACCESS_TOKEN_TTL_SECONDS and is refused after
that plus the leeway; a margin covers clocks that disagree between hosts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from clinic_contracts.envelope import EventEnvelope
from clinic_contracts.identity import MembershipRevoked, SessionRevoked, UserDeactivated
from clinic_contracts.registry import UnknownEventType, parse_event
from pydantic import ValidationError

from servicekit.auth import MAX_ACCESS_TOKEN_TTL_SECONDS, Principal
from servicekit.problems import Unauthorized

log = logging.getLogger(__name__)

CLOCK_SKEW_MARGIN_SECONDS = 60.0
REVOKING_EVENTS = frozenset({"UserDeactivated", "MembershipRevoked", "SessionRevoked"})
RoleKey = tuple[UUID, str, UUID | None]  # (user, role, clinic or None for organisation-wide)
_K = TypeVar("_K", bound=Hashable)


class RevocationProjection:
    """Revocations still in force, by user, by role and by session; pure and in memory."""

    def __init__(
        self,
        *,
        leeway: float,
        clock: Callable[[], float] = time.time,
        retention: float | None = None,
    ) -> None:
        # Shorter only in tests: a revocation must outlive every token it covers.
        default = MAX_ACCESS_TOKEN_TTL_SECONDS + leeway + CLOCK_SKEW_MARGIN_SECONDS
        self.retention = default if retention is None else retention
        self._clock = clock
        self._users: dict[UUID, float] = {}
        self._roles: dict[RoleKey, float] = {}
        self._sessions: dict[UUID, float] = {}

    def __len__(self) -> int:
        return len(self._users) + len(self._roles) + len(self._sessions)

    def apply(self, envelope: EventEnvelope) -> bool:
        """Record the revocation an identity event announces; False for any other event."""
        if envelope.event_type not in REVOKING_EVENTS:
            return False
        try:
            event = parse_event(envelope)
        except (UnknownEventType, ValidationError) as exc:
            log.warning("ignored a %s event that does not parse (%s)", envelope.event_type, exc)
            return False
        fallback = envelope.occurred_at
        if isinstance(event, UserDeactivated):
            self.revoke_user(event.user_id, _seconds(event.deactivated_at or fallback))
        elif isinstance(event, MembershipRevoked):
            at = _seconds(event.revoked_at or fallback)
            self.revoke_role(event.user_id, event.role, event.clinic_id, at)
        elif isinstance(event, SessionRevoked):
            self.revoke_session(event.session_id, _seconds(event.revoked_at))
        return True

    def revoke_user(self, user_id: UUID, at: float) -> None:
        """Refuse the user's tokens issued at or before `at` (seconds since the epoch)."""
        self._keep(self._users, user_id, at)

    def revoke_role(self, user_id: UUID, role: str, clinic_id: UUID | None, at: float) -> None:
        """Refuse the user's tokens issued at or before `at` that carry the role."""
        self._keep(self._roles, (user_id, role, clinic_id), at)

    def revoke_session(self, session_id: UUID, at: float) -> None:
        """Refuse every token of the session."""
        self._keep(self._sessions, session_id, at)

    def _keep(self, entries: dict[_K, float], key: _K, at: float) -> None:
        if at < self._clock() - self.retention:
            return  # read while rebuilding: every token it covered has expired
        # Replayed or reordered events must never move a revocation back in time.
        entries[key] = max(at, entries.get(key, at))

    def refusal(self, principal: Principal) -> tuple[str, str] | None:
        """(reason, detail) when a revocation covers the token, else None."""
        oldest = self._clock() - self.retention
        issued = principal.issued_at
        revoked = self._users.get(principal.user_id)
        if revoked is not None and oldest <= revoked and issued <= revoked:
            return "account-deactivated", "The account of this access token was deactivated."
        session = principal.session_id
        if session is not None and self._sessions.get(session, float("-inf")) >= oldest:
            return "session-revoked", "The session of this access token was signed out."
        for membership in principal.memberships:
            key = (principal.user_id, membership.role, membership.clinic_id)
            revoked = self._roles.get(key)
            if revoked is not None and oldest <= revoked and issued <= revoked:
                return "role-revoked", "A role in this access token was revoked; refresh it."
        return None

    def check(self, principal: Principal) -> None:
        """Unauthorized (saying why) when a revocation covers the token."""
        refused = self.refusal(principal)
        if refused is not None:
            reason, detail = refused
            raise Unauthorized(detail, reason=reason)

    def prune(self) -> int:
        """Forget revocations no token can need any more; returns how many were dropped."""
        oldest = self._clock() - self.retention
        dropped = _drop_older(self._users, oldest) + _drop_older(self._roles, oldest)
        return dropped + _drop_older(self._sessions, oldest)


def _seconds(instant: datetime) -> float:
    return instant.timestamp()


def _drop_older(entries: dict[_K, float], oldest: float) -> int:
    stale = [key for key, at in entries.items() if at < oldest]
    for key in stale:
        del entries[key]
    return len(stale)
