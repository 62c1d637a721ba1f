"""The hash chain of the audit log as pure rules: canonical encoding, hashing, walking. No I/O.

Each entry's hash is SHA-256 over a canonical JSON encoding of its sequence number, time,
fields and the previous entry's hash. Editing an entry breaks its own hash; deleting one
breaks the next entry's link; moving content to another sequence number breaks both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Literal
from uuid import UUID

GENESIS = "0" * 64
"""The `prev_hash` of the first entry: no entry hashes to it."""

Reason = Literal["unlinked", "edited"]


@dataclass(frozen=True, kw_only=True)
class ChainEntry:
    """Every field an audit entry's hash covers (all but the hash itself)."""

    seq: int
    occurred_at: datetime
    action: str
    outcome: str
    actor_id: UUID | None = None
    subject_id: UUID | None = None
    clinic_id: UUID | None = None
    client_address: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS


@dataclass(frozen=True)
class BrokenLink:
    """The first entry of the chain that does not verify, and why."""

    seq: int
    reason: Reason
    message: str


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a walk: how many entries were read and the first broken link, if any.

    `newest_seq` and `newest_hash` are the last entry read: kept somewhere else, they let a
    later walk notice that the newest entries were removed, which the chain alone cannot.
    """

    entries: int
    broken: BrokenLink | None = None
    newest_seq: int | None = None
    newest_hash: str = GENESIS

    @property
    def intact(self) -> bool:
        """Whether every entry verified."""
        return self.broken is None


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds, so one instant always has one spelling."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def normalise_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """Details as plain JSON that survives a jsonb round trip unchanged (hashes must match).

    UUIDs, dates and enums become strings. Floats are refused: jsonb rewrites some of them
    (1e+20 comes back as an integer), which would break the entry's hash on verification.
    """
    return _plain_mapping(details or {})


def _plain_mapping(value: Mapping[Any, Any]) -> dict[str, Any]:
    if not all(isinstance(key, str) for key in value):
        raise TypeError("audit detail keys must be strings")
    return {key: _plain(item) for key, item in value.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return _plain(value.value)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("audit details cannot hold NUL characters")
        return value
    if isinstance(value, Mapping):
        return _plain_mapping(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"audit details cannot hold {type(value).__name__} values")


def canonical_bytes(entry: ChainEntry) -> bytes:
    """The exact bytes an entry's hash is computed over: sorted keys, no whitespace, ASCII."""
    document = {
        "seq": entry.seq,
        "occurred_at": utc_timestamp(entry.occurred_at),
        "action": entry.action,
        "outcome": entry.outcome,
        "actor_id": _uuid_text(entry.actor_id),
        "subject_id": _uuid_text(entry.subject_id),
        "clinic_id": _uuid_text(entry.clinic_id),
        "client_address": entry.client_address,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def _uuid_text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def entry_hash(entry: ChainEntry) -> str:
    """The hex SHA-256 that seals an entry to its content, position and predecessor."""
    return hashlib.sha256(canonical_bytes(entry)).hexdigest()


@dataclass
class ChainWalk:
    """Checks entries fed in ascending `seq`; stops judging at the first broken link.

    Gaps in `seq` alone are fine (a rolled-back transaction consumes a number); the link
    to the previous entry's hash is what reveals a deleted entry.
    """

    entries: int = 0
    last_seq: int | None = None
    last_hash: str = GENESIS
    broken: BrokenLink | None = None

    def feed(self, entry: ChainEntry, stored_hash: str) -> BrokenLink | None:
        """Check one entry against its predecessor; the first broken link, once found."""
        if self.broken is None:
            self.broken = self._check(entry, stored_hash)
            self.entries += 1
            self.last_seq, self.last_hash = entry.seq, stored_hash
        return self.broken

    def _check(self, entry: ChainEntry, stored_hash: str) -> BrokenLink | None:
        # The link is checked first: moved content fails both checks, and "unlinked" says more.
        if entry.prev_hash != self.last_hash:
            after = "the chain's start" if self.last_seq is None else f"entry {self.last_seq}"
            return BrokenLink(
                entry.seq,
                "unlinked",
                f"prev_hash does not match the hash of {after}: "
                "an entry was deleted or entries were reordered",
            )
        if entry_hash(entry) != stored_hash:
            return BrokenLink(
                entry.seq, "edited", "the stored hash does not match the content: entry edited"
            )
        return None

    def report(self) -> ChainReport:
        """What the walk found so far."""
        return ChainReport(self.entries, self.broken, self.last_seq, self.last_hash)


def walk(entries: Iterable[tuple[ChainEntry, str]]) -> ChainReport:
    """Verify (entry, stored hash) pairs given in ascending `seq`."""
    chain = ChainWalk()
    for entry, stored_hash in entries:
        if chain.feed(entry, stored_hash) is not None:
            break
    return chain.report()


def seal(entries: Iterable[ChainEntry]) -> list[tuple[ChainEntry, str]]:
    """Link and hash entries in order, as appending them one by one would."""
    sealed: list[tuple[ChainEntry, str]] = []
    prev = GENESIS
    for entry in entries:
        linked = replace(entry, prev_hash=prev)
        prev = entry_hash(linked)
        sealed.append((linked, prev))
    return sealed
