"""The audit hash chain's pure rules: canonical encoding, and a walk that finds tampering."""

from __future__ import annotations

import enum
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from identity.audit.chain import (
    GENESIS,
    ChainEntry,
    canonical_bytes,
    entry_hash,
    normalise_details,
    seal,
    walk,
)

MOMENT = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
details = st.dictionaries(st.text(max_size=8), json_scalars, max_size=4)


@st.composite
def chains(draw: st.DrawFn, min_size: int = 1) -> list[tuple[ChainEntry, str]]:
    """A sealed chain with gaps in its sequence numbers (rolled-back appends)."""
    gaps = draw(st.lists(st.integers(1, 3), min_size=min_size, max_size=12))
    seqs = [sum(gaps[: i + 1]) for i in range(len(gaps))]
    entries = [
        ChainEntry(
            seq=seq,
            occurred_at=MOMENT + timedelta(microseconds=draw(st.integers(0, 10**12))),
            action=draw(st.sampled_from(["auth.sign_in", "user.updated", "clinic.created"])),
            outcome=draw(st.sampled_from(["success", "failure"])),
            actor_id=draw(st.none() | st.uuids()),
            clinic_id=draw(st.none() | st.uuids()),
            client_address=draw(st.none() | st.ip_addresses().map(str)),
            details=draw(details),
        )
        for seq in seqs
    ]
    return seal(entries)


@given(chains())
def test_a_sealed_chain_with_sequence_gaps_is_intact(chain: list[tuple[ChainEntry, str]]) -> None:
    report = walk(chain)
    assert report.intact
    assert report.entries == len(chain)
    assert chain[0][0].prev_hash == GENESIS


@given(chains(), st.data())
def test_editing_any_entry_is_reported_at_that_entry(
    chain: list[tuple[ChainEntry, str]], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(chain) - 1))
    entry, stored = chain[index]
    forged = replace(entry, action=entry.action + ".forged")
    tampered = [*chain[:index], (forged, stored), *chain[index + 1 :]]
    report = walk(tampered)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.reason) == (entry.seq, "edited")
    assert report.entries == index + 1


@given(chains(min_size=2), st.data())
def test_deleting_an_entry_is_reported_at_the_one_after_it(
    chain: list[tuple[ChainEntry, str]], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(chain) - 2))
    report = walk([*chain[:index], *chain[index + 1 :]])
    assert report.broken is not None
    assert (report.broken.seq, report.broken.reason) == (chain[index + 1][0].seq, "unlinked")


@given(chains(min_size=2), st.data())
def test_swapping_two_entries_contents_is_reported_at_the_earlier(
    chain: list[tuple[ChainEntry, str]], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(chain) - 2))
    j = data.draw(st.integers(i + 1, len(chain) - 1))
    (first, first_hash), (second, second_hash) = chain[i], chain[j]
    swapped = list(chain)
    swapped[i] = (replace(second, seq=first.seq), second_hash)
    swapped[j] = (replace(first, seq=second.seq), first_hash)
    report = walk(swapped)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.reason) == (first.seq, "unlinked")


@given(chains(min_size=2), st.data())
def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link(
    chain: list[tuple[ChainEntry, str]], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(chain) - 2))
    forged = replace(chain[index][0], outcome="forged")
    tampered = [*chain[:index], (forged, entry_hash(forged)), *chain[index + 1 :]]
    report = walk(tampered)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.reason) == (chain[index + 1][0].seq, "unlinked")


@given(chains(min_size=2))
def test_moving_content_to_another_seq_changes_its_hash(
    chain: list[tuple[ChainEntry, str]],
) -> None:
    entry, stored = chain[0]
    assert entry_hash(replace(entry, seq=entry.seq + 1000)) != stored


def test_dropping_the_newest_entries_goes_unnoticed_without_an_external_anchor() -> None:
    chain = seal(
        ChainEntry(seq=n, occurred_at=MOMENT, action="a", outcome="success") for n in (1, 2, 3)
    )
    anchored = walk(chain)
    truncated = walk(chain[:2])
    assert truncated.intact  # the chain alone cannot tell
    assert (truncated.newest_seq, truncated.newest_hash) != (3, anchored.newest_hash)
    assert (anchored.newest_seq, anchored.newest_hash) == (3, chain[2][1])


def test_the_encoding_is_canonical_json_with_sorted_keys_and_no_whitespace() -> None:
    entry = ChainEntry(seq=7, occurred_at=MOMENT, action="auth.sign_in", outcome="failure")
    assert canonical_bytes(entry) == (
        b'{"action":"auth.sign_in","actor_id":null,"client_address":null,"clinic_id":null,'
        b'"details":{},"occurred_at":"2026-11-24T09:30:00.000000+00:00","outcome":"failure",'
        b'"prev_hash":"' + GENESIS.encode() + b'","seq":7,"subject_id":null}'
    )


def test_one_instant_hashes_alike_in_any_zone_and_detail_key_order() -> None:
    nairobi = MOMENT.astimezone(timezone(timedelta(hours=3)))
    a = ChainEntry(
        seq=1, occurred_at=MOMENT, action="x", outcome="success", details={"a": 1, "b": 2}
    )
    b = ChainEntry(
        seq=1, occurred_at=nairobi, action="x", outcome="success", details={"b": 2, "a": 1}
    )
    assert entry_hash(a) == entry_hash(b)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        entry_hash(ChainEntry(seq=1, occurred_at=datetime(2026, 1, 1), action="x", outcome="y"))


class Role(enum.StrEnum):
    ADMIN = "clinic_admin"


def test_details_become_plain_json() -> None:
    clinic = uuid.uuid4()
    assert normalise_details(None) == {}
    assert normalise_details(
        {"clinic": clinic, "role": Role.ADMIN, "fields": ("email", "phone"), "n": {"ok": True}}
    ) == {
        "clinic": str(clinic),
        "role": "clinic_admin",
        "fields": ["email", "phone"],
        "n": {"ok": True},
    }


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ({"ratio": 0.5}, TypeError),  # jsonb may respell floats, breaking the hash
        ({1: "x"}, TypeError),
        ({"name": "a\x00b"}, ValueError),  # jsonb refuses NUL
        ({"blob": b"bytes"}, TypeError),
    ],
)
def test_details_that_would_not_survive_jsonb_are_refused(
    bad: dict[Any, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        normalise_details(bad)
