"""Sign-in throttling rules: failures counted per key in a window, then a lockout. No I/O."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    """`max_failures` within `window` block the key for `lockout`."""

    max_failures: int
    window: timedelta
    lockout: timedelta


@dataclass(frozen=True)
class ThrottleState:
    """Failures of one key (an account name or a client address) in its current window."""

    failures: int
    window_started_at: datetime
    blocked_until: datetime | None = None


def retry_after_seconds(state: ThrottleState | None, now: datetime) -> int:
    """Whole seconds until the key may try again; 0 when it may now."""
    if state is None or state.blocked_until is None or state.blocked_until <= now:
        return 0
    return max(1, math.ceil((state.blocked_until - now).total_seconds()))


def after_failure(
    state: ThrottleState | None, policy: ThrottlePolicy, now: datetime
) -> ThrottleState:
    """The state after one more failure: a new window once the old one is over."""
    if state is None or now - state.window_started_at >= policy.window:
        state = ThrottleState(failures=0, window_started_at=now)
    failures = state.failures + 1
    blocked = now + policy.lockout if failures >= policy.max_failures else state.blocked_until
    return ThrottleState(failures, state.window_started_at, blocked)
