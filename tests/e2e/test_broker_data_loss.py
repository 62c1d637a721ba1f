"""The broker killed mid-stream of bookings comes back without its data: nothing is lost.

The stack's own Tansu keeps messages in memory. A stream of 40 bookings runs through the
gateway; a few bookings in, reporting and notify stall (SIGSTOP, as a busy consumer would), so
that Tansu holds bookings it acknowledged (booking's outbox marked them published) and nobody
consumed yet; then Tansu is SIGKILLed and the consumers resume. The supervisor restarts Tansu
with a new cluster id, empty; the relays notice and publish their recent events again, and the
idempotent consumers apply each booking exactly once: one fact and one rollup count in
reporting, one confirmation delivered by notify. Without the replay the stalled bookings are
never seen by either.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from .conftest import Stack, query
from .test_shifts import _sign_in

BOOKINGS = 40
FREEZE_AT, KILL_AT = 3, 10  # bookings answered when the consumers stall, when Tansu dies
PACE = 0.1  # seconds between bookings: the stream lasts a few seconds at least
GAP = timedelta(minutes=10)  # at least the demo consultation's buffer between bookings

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The stack's own Tansu, under its supervisor; a slow start on a busy machine is fine."""
    stack = Stack(tmp_path_factory.mktemp("data-loss") / "state")
    try:
        stack.start()
        yield stack
    finally:  # also when it never became ready: leave no stack behind
        if stack.process and stack.process.poll() is None:
            stack.process.send_signal(signal.SIGINT)
            stack.process.wait(timeout=60)


async def _slots(gateway: httpx.AsyncClient, clinic: str, type_id: str) -> list[dict[str, Any]]:
    """BOOKINGS free slots from three days on that do not overlap (one patient books them)."""
    end = time.monotonic() + 120
    start = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    while True:
        response = await gateway.get(
            "/v1/slots",
            params={"clinic_id": clinic, "type_id": type_id, "from": start, "limit": 200},
        )
        assert response.status_code == 200, response.text
        chosen = _apart(response.json()["items"])
        if len(chosen) >= BOOKINGS or time.monotonic() > end:
            assert len(chosen) >= BOOKINGS, f"only {len(chosen)} free slots apart"
            return chosen[:BOOKINGS]
        await asyncio.sleep(0.5)


def _apart(slots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Slots each starting after the previous one ended, with room for the type's buffer."""
    chosen: list[dict[str, Any]] = []
    for slot in slots:
        starts = datetime.fromisoformat(slot["starts_at"])
        if not chosen or starts >= datetime.fromisoformat(chosen[-1]["ends_at"]) + GAP:
            chosen.append(slot)
    return chosen


async def _stream(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    clinic: str,
    type_id: str,
    slots: list[dict[str, Any]],
    booked: list[str],
) -> None:
    """Book the slots one after the other; every booking is answered 201, outage or not."""
    for slot in slots:
        body = {
            "clinic_id": clinic,
            "type_id": type_id,
            "starts_at": slot["starts_at"],
            "provider_id": slot["providers"][0]["id"],
        }
        response = await gateway.post("/v1/appointments", json=body, headers=headers)
        assert response.status_code == 201, response.text
        booked.append(response.json()["id"])
        await asyncio.sleep(PACE)


async def _until(condition, deadline: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + deadline
    while not await condition():
        assert time.monotonic() < end, "timed out waiting"
        await asyncio.sleep(0.05)


async def _answered(booked: list, count: int) -> bool:  # type: ignore[type-arg]
    return len(booked) >= count


async def _published(stack: Stack, ids: list[str]) -> bool:
    """Booking's relay had these bookings acknowledged by the broker."""
    [row] = await query(
        stack,
        "SELECT count(*) AS n FROM booking.outbox "
        "WHERE message_key = ANY($1) AND published_at IS NOT NULL",
        ids,
    )
    return bool(row["n"] == len(ids))


async def _kill_broker_while_consumers_stall(stack: Stack, booked: list) -> int:  # type: ignore[type-arg]
    await _until(lambda: _answered(booked, FREEZE_AT))
    stalled = [stack.pid("reporting"), stack.pid("notify")]
    for pid in stalled:
        os.kill(pid, signal.SIGSTOP)
    try:
        await _until(lambda: _answered(booked, KILL_AT))
        await _until(lambda: _published(stack, booked[:KILL_AT]))
        victim = stack.pid("kafka")
        os.kill(victim, signal.SIGKILL)
    finally:
        for pid in stalled:
            os.kill(pid, signal.SIGCONT)
    return victim


async def _reached_everywhere(stack: Stack, ids: list[str]) -> bool:
    facts = await _booked_facts(stack, ids)
    sent = await _confirmations(stack, ids)
    return set(facts) == set(ids) and {a for a, s in sent if s == "delivered"} == set(ids)


async def _booked_facts(stack: Stack, ids: list[str]) -> list[str]:
    rows = await query(
        stack,
        "SELECT aggregate_id FROM reporting.event_facts "
        "WHERE event_type = 'AppointmentBooked' AND aggregate_id = ANY($1)",
        ids,
    )
    return [row["aggregate_id"] for row in rows]


async def _confirmations(stack: Stack, ids: list[str]) -> list[tuple[str, str]]:
    rows = await query(
        stack,
        "SELECT appointment_id::text AS id, status FROM notify.messages "
        "WHERE kind = 'confirmation' AND appointment_id = ANY($1::uuid[])",
        ids,
    )
    return [(row["id"], row["status"]) for row in rows]


async def _replays(stack: Stack, service: str) -> float:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{stack.info()[service]['url']}/metrics")).text
    return sum(
        float(line.split()[-1])
        for line in text.splitlines()
        if line.startswith("outbox_replays_total{")
    )


async def test_bookings_reach_reporting_and_notify_once_across_a_broker_kill(
    stack: Stack, gateway: httpx.AsyncClient
) -> None:
    logins = json.loads((stack.state_dir / "demo-logins.json").read_text())
    patient = await _sign_in(gateway, "+254700000001", logins["+254700000001"])
    clinic = (await gateway.get("/v1/clinics", headers=patient)).json()["items"][0]["id"]
    types = (await gateway.get("/v1/appointment-types", params={"clinic_id": clinic})).json()
    kind = next(t for t in types["items"] if t["name"] == "General consultation")["id"]
    slots = await _slots(gateway, clinic, kind)
    booked: list[str] = []

    stream = asyncio.create_task(_stream(gateway, patient, clinic, kind, slots, booked))
    victim = await _kill_broker_while_consumers_stall(stack, booked)
    await stream
    assert len(booked) == BOOKINGS

    end = time.monotonic() + 300
    while not await _reached_everywhere(stack, booked) and time.monotonic() < end:
        await asyncio.sleep(1.0)
    facts = await _booked_facts(stack, booked)
    assert sorted(facts) == sorted(booked)  # each booking once in the fact table
    [rollup] = await query(
        stack,
        "SELECT coalesce(sum(booked), 0) AS n FROM reporting.daily_rollups WHERE clinic_id = $1",
        clinic,
    )
    assert rollup["n"] == BOOKINGS  # and counted once in the rollups
    confirmations = await _confirmations(stack, booked)
    assert sorted(a for a, _ in confirmations) == sorted(booked)  # one confirmation each
    assert {status for _, status in confirmations} == {"delivered"}
    # The broker really died and came back, and the relays healed what it lost.
    assert stack.pid("kafka") != victim
    output = (stack.state_dir.parent / "clinic-stack.out").read_text(errors="replace")
    assert f"kafka (pid {victim}) died with" in output
    assert await _replays(stack, "booking") >= 1


async def test_ctrl_c_stops_everything_and_leaves_no_process(stack: Stack) -> None:
    """Last in this module: it owns its stack, and stopping it is the test."""
    assert stack.stop() == []
