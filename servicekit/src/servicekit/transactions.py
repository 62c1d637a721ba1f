"""Units of work run again, in a fresh transaction, after a deadlock or serialization failure.

PostgreSQL ends one of two transactions that wait for each other (deadlock, SQLSTATE 40P01)
and, above READ COMMITTED, one whose snapshot a concurrent commit made stale (40001). Neither
is the caller's fault and nothing of the failed attempt was committed, so the whole unit of
work is run again from the start in a new transaction, a bounded number of times with a
jittered backoff (so the two do not collide again in step). Should every attempt fail, the
answer is 503 problem+json with Retry-After, never a 500. So it is when no pooled database
connection came free within the pool's timeout (the service is saturated: it is not retried,
which would only lengthen the queue).

The unit of work must touch only the database: it may run more than once. An Idempotency-Key
claimed inside it is claimed again by the next attempt (the failed attempt's claim rolled
back with it), so a key's answer is still the one committed answer.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from prometheus_client import Counter
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from servicekit.auth import Principal
from servicekit.db import autocommitting
from servicekit.idempotency import IdempotentRequest
from servicekit.problems import Problem
from servicekit.runtime import runtime_of

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger(__name__)

RETRYABLE = {"40P01": "deadlock", "40001": "serialization"}
"""SQLSTATEs after which a transaction is worth running again, and their metric label."""

TRANSACTION_RETRIES = Counter(
    "transaction_retries_total",
    "Transactions rolled back by PostgreSQL (deadlock, serialization failure) and run again",
    ["service", "reason"],
)
TRANSACTIONS_BUSY = Counter(
    "transactions_busy_total",
    "Units of work answered 503: every attempt ended by a deadlock or serialization failure, "
    "or no database connection free in time (reason pool_timeout)",
    ["service", "reason"],
)

AT_ONCE = Counter(
    "transactions_at_once_total",
    "Requests tried first without a transaction: written so (outcome written), or left to a "
    "transaction (outcome refused: the write took nothing, or met a deadlock)",
    ["service", "outcome"],
)


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts in all, and the backoff before each new one (full jitter)."""

    attempts: int = 5
    first_delay: float = 0.02
    max_delay: float = 0.5
    retry_after_seconds: int = 1

    def delay(self, failed_attempts: int) -> float:
        """Seconds to wait after `failed_attempts` failures: uniform up to a doubling cap."""
        cap = min(self.max_delay, self.first_delay * 2 ** (failed_attempts - 1))
        return random.uniform(0, cap)  # spreading retries apart: no secret here


DEFAULT_POLICY = RetryPolicy()


class Busy(Problem):
    """Every attempt met a deadlock or serialization failure, or no database connection came
    free in time: the client may try again later (Retry-After)."""

    status, slug = 503, "busy"


def retry_reason(exc: BaseException) -> str | None:
    """'deadlock' or 'serialization' when `exc` (or what it wraps) is such a failure."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:  # the driver's error, SQLAlchemy's wrapper, ...
        if isinstance(current, Problem):
            return None  # a deliberate answer, even if raised while handling a failure
        for candidate in (current, getattr(current, "orig", None)):
            reason = RETRYABLE.get(str(getattr(candidate, "sqlstate", "")))
            if reason is not None:
                return reason
        current, seen = current.__cause__, seen + 1
    return None


async def run_in_transaction(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    service: str = "",
    policy: RetryPolicy = DEFAULT_POLICY,
) -> T:
    """`work(session)` in a transaction committed on return, run again after a deadlock or
    serialization failure (the commit included); Busy (503) once `policy.attempts` failed."""
    for attempt in range(1, policy.attempts + 1):
        try:
            async with sessions() as session, session.begin():
                return await work(session)
        except PoolTimeout as exc:
            raise _no_connection(service, policy) from exc
        except Exception as exc:
            reason = retry_reason(exc)
            if reason is None:
                raise
            TRANSACTION_RETRIES.labels(service, reason).inc()
            if attempt == policy.attempts:
                TRANSACTIONS_BUSY.labels(service, reason).inc()
                log.warning("gave up after %d attempts, each ended by a %s", attempt, reason)
                raise _busy(policy) from exc
            log.info("attempt %d ended by a %s; running it again", attempt, reason)
            await asyncio.sleep(policy.delay(attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")


def _no_connection(service: str, policy: RetryPolicy) -> Busy:
    TRANSACTIONS_BUSY.labels(service, "pool_timeout").inc()
    log.warning("no database connection came free in time")
    return _busy(policy)


def _busy(policy: RetryPolicy) -> Busy:
    return Busy(
        "The service is too busy to complete this request now; please try again.",
        headers={"Retry-After": str(policy.retry_after_seconds)},
    )


@dataclass(frozen=True)
class Transactions:
    """What a route holds to run its unit of work with `run_in_transaction`."""

    sessions: async_sessionmaker[AsyncSession]
    service: str
    policy: RetryPolicy = DEFAULT_POLICY

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """`work(session)` in its own transaction, run again after a deadlock (see module)."""
        return await run_in_transaction(
            self.sessions, work, service=self.service, policy=self.policy
        )

    async def once(
        self,
        once: IdempotentRequest,
        caller: Principal | None,
        work: Callable[[AsyncSession], Awaitable[R]],
        *,
        location: str | Callable[[R], str] | None = None,
        at_once: Callable[[AsyncSession], Awaitable[R | None]] | None = None,
    ) -> JSONResponse:
        """`once.run` of `work(session)` as the unit of work: every attempt claims the key.

        `at_once`, for a request sent without an Idempotency-Key, is tried first with each
        statement committed on its own (no BEGIN or COMMIT): work whose only write is one
        statement. It returns None, having written nothing, to leave the request to `work`;
        so it does after a deadlock or serialization failure, which `work` then meets with
        its retries.
        """
        if at_once is not None and once.key is None:
            result = await self.autocommitted(at_once)
            AT_ONCE.labels(self.service, "refused" if result is None else "written").inc()
            if result is not None:
                return await once.answer(result, location=location)
        return await self.run(
            lambda session: once.run(session, caller, lambda: work(session), location=location)
        )

    async def autocommitted(self, work: Callable[[AsyncSession], Awaitable[R | None]]) -> R | None:
        """`work(session)` with each statement its own transaction; None after a deadlock or
        serialization failure; Busy (503) when no connection comes free in time."""
        try:
            async with autocommitting(self.sessions) as session:
                return await work(session)
        except PoolTimeout as exc:
            raise _no_connection(self.service, self.policy) from exc
        except Exception as exc:
            if retry_reason(exc) is None:
                raise
            return None


async def transactions(request: Request) -> Transactions:
    """The dependable behind RetryingTransactions: the app's sessions and service name."""
    runtime = runtime_of(request)
    return Transactions(runtime.sessions, runtime.name)


# For routes whose writes can deadlock: `tx: RetryingTransactions`, then
# `return await tx.run(lambda session: ...)` instead of taking a SessionDep.
RetryingTransactions = Annotated[Transactions, Depends(transactions)]
