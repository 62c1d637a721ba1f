"""Prometheus metrics of the plumbing, labelled by service (tests run several per process)."""

from prometheus_client import Counter, Gauge

OUTBOX_PUBLISHED = Counter(
    "outbox_published_events_total", "Events the outbox relay published", ["service", "topic"]
)
OUTBOX_PUBLISH_FAILURES = Counter(
    "outbox_publish_failures_total", "Relay batches that failed and will be retried", ["service"]
)
OUTBOX_PENDING = Gauge("outbox_pending_events", "Committed events not yet published", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_pending_age_seconds", "Age of the oldest unpublished event", ["service"]
)
OUTBOX_REPLAYS = Counter(
    "outbox_replays_total",
    "Times the relay found the broker had lost its data and replayed the outbox window",
    ["service", "reason"],
)
OUTBOX_REPLAYED = Counter(
    "outbox_replayed_events_total", "Published events marked for publishing again", ["service"]
)
CONSUMER_MESSAGES = Counter(
    "consumer_messages_total",
    "Messages handled by idempotent consumers, by outcome (applied, duplicate, skipped, "
    "dead_lettered)",
    ["service", "group", "topic", "outcome"],
)
CONSUMER_RETRIES = Counter(
    "consumer_retries_total",
    "Handler attempts that failed and were retried",
    ["service", "group", "topic"],
)
DEAD_LETTERS = Counter(
    "consumer_dead_letters_total",
    "Messages sent to the dead-letter topic",
    ["service", "group", "topic"],
)
CONSUMER_LAG = Gauge(
    "consumer_lag_messages",
    "Messages on a topic not yet committed by a consumer group (end offset - committed offset)",
    ["service", "group", "topic"],
)
