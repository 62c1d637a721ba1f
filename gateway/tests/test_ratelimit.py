"""Token buckets: a burst, a steady refill, a hint when to retry, and bounded memory."""

from __future__ import annotations

from gateway.ratelimit import Decision, TokenBucketLimiter, tighter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(
    clock: FakeClock, *, per_minute: float = 60, burst: int = 3, max_clients: int = 100
) -> TokenBucketLimiter:
    return TokenBucketLimiter(
        per_minute=per_minute, burst=burst, max_clients=max_clients, clock=clock
    )


def test_a_burst_passes_then_the_next_request_waits() -> None:
    bucket = limiter(FakeClock())
    decisions = [bucket.take("a") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert decisions[-1].retry_after_seconds == 1
    assert decisions[-1].headers() == {
        "RateLimit-Limit": "3",
        "RateLimit-Remaining": "0",
        "Retry-After": "1",
    }


def test_tokens_refill_at_the_configured_rate() -> None:
    clock = FakeClock()
    bucket = limiter(clock, per_minute=6)  # one token every 10 s
    for _ in range(3):
        bucket.take("a")
    refused = bucket.take("a")
    assert not refused.allowed
    assert refused.retry_after_seconds == 10
    clock.now += 10
    assert bucket.take("a").allowed
    assert not bucket.take("a").allowed


def test_clients_have_separate_buckets() -> None:
    bucket = limiter(FakeClock(), burst=1)
    assert bucket.take("a").allowed
    assert not bucket.take("a").allowed
    assert bucket.take("b").allowed


def test_refilled_buckets_are_forgotten() -> None:
    clock = FakeClock()
    bucket = limiter(clock, per_minute=60, burst=3)
    for client in ("a", "b", "c"):
        bucket.take(client)
    clock.now += 3  # enough to refill all three
    bucket.take("d")
    assert len(bucket) == 1


def test_memory_stays_bounded_by_forgetting_the_least_recent_client() -> None:
    clock = FakeClock()
    bucket = limiter(clock, burst=1, max_clients=2)
    bucket.take("a")
    bucket.take("b")
    bucket.take("a")  # a is now the most recent
    bucket.take("c")
    assert len(bucket) == 2
    assert not bucket.take("a").allowed  # still remembered: its bucket is empty


def test_the_tighter_bucket_is_the_one_reported() -> None:
    client = Decision(allowed=True, limit=100, remaining=90, retry_after_seconds=0)
    user = Decision(allowed=True, limit=60, remaining=3, retry_after_seconds=0)
    refused = Decision(allowed=False, limit=60, remaining=0, retry_after_seconds=4)
    assert tighter(client, None) is client
    assert tighter(client, user) is user
    assert tighter(user, refused) is refused
