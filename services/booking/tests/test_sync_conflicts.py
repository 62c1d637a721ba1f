"""The conflict inbox: listed for the clinic's staff, resolved once, by booking or giving up."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import httpx
import pytest

from .conftest import Calendar
from .sync_support import DAY, Staged, book, patient, push


@dataclass
class Opened:
    """A conflict in the inbox: the device's booking, its outcome, and the desk that pushed it."""

    calendar: Calendar
    desk: dict[str, str]
    offline: dict[str, Any]
    outcome: dict[str, Any]

    @property
    def inbox(self) -> str:
        return f"/v1/sync/clinics/{self.calendar.id}/conflicts"

    async def resolve(self, body: dict[str, Any]) -> httpx.Response:
        url = f"/v1/sync/conflicts/{self.outcome['conflict_id']}/resolve"
        return await self.calendar.client.post(url, json=body, headers=self.desk)

    async def open_items(self) -> list[dict[str, Any]]:
        listed = await self.calendar.client.get(
            self.inbox, params={"status": "open"}, headers=self.desk
        )
        items: list[dict[str, Any]] = listed.json()["items"]
        return items


@pytest.fixture
async def opened(calendar: Calendar) -> Opened:
    """A time booked online, then the same time pushed from a device: the conflict's outcome."""
    await calendar.shift(calendar.doctor, DAY)
    kind = await calendar.new_type()
    desk = calendar.receptionist()
    taken = calendar.slot(kind, DAY, time(9), patient_id=str(uuid.uuid4()))
    assert (await calendar.book(taken, desk)).status_code == 201
    offline = book(calendar, kind, 1, await patient(calendar), time(9))
    [outcome] = (await push(calendar, [offline], desk, uuid.uuid4())).json()["outcomes"]
    assert outcome["status"] == "conflict", outcome
    return Opened(calendar, desk, offline, outcome)


def alternative(opened: Opened) -> str:
    """The first free time the refusal offered instead."""
    starts_at: str = opened.outcome["alternatives"][0]["starts_at"]
    return starts_at


async def test_the_inbox_lists_an_open_conflict_with_the_patient_s_name(opened: Opened) -> None:
    [item] = await opened.open_items()

    assert item["id"] == opened.outcome["conflict_id"]
    assert item["patient_name"] == "Amina Odhiambo"
    assert item["appointment_id"] == opened.offline["args"]["appointment_id"]


async def test_staff_book_an_alternative_under_the_device_s_appointment_id(
    opened: Opened, staged: Staged
) -> None:
    resolved = await opened.resolve({"action": "book", "starts_at": alternative(opened)})

    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolution"] == "booked"
    booked = await opened.calendar.client.get(
        f"/v1/appointments/{opened.offline['args']['appointment_id']}", headers=opened.desk
    )
    assert datetime.fromisoformat(booked.json()["starts_at"]) == datetime.fromisoformat(
        alternative(opened)
    )
    [event] = await staged("OfflineConflictResolved")
    assert event["resolution"] == "booked"


async def test_a_resolved_conflict_is_not_resolved_again_and_leaves_the_open_list(
    opened: Opened,
) -> None:
    resolved = await opened.resolve({"action": "book", "starts_at": alternative(opened)})
    assert resolved.status_code == 200, resolved.text

    again = await opened.resolve({"action": "cancel"})

    assert again.status_code == 409
    assert again.json()["type"] == "urn:clinic:problem:conflict-resolved"
    assert await opened.open_items() == []


async def test_giving_up_publishes_the_resolution_for_the_patient_to_be_told(
    opened: Opened, staged: Staged
) -> None:
    resolved = await opened.resolve({"action": "cancel", "reason": "Patient will call back"})

    assert resolved.status_code == 200, resolved.text
    [event] = await staged("OfflineConflictResolved")
    assert event["resolution"] == "cancelled"
    assert event["conflict_id"] == opened.outcome["conflict_id"]
