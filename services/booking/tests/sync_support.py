"""Shared set-up of the sync tests: a staffed clinic day inside the pull's window."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
from clinic_contracts.identity import UserRegistered
from servicekit.localtime import instant, local_day

from .conftest import LONDON, Calendar

Staged = Callable[..., Awaitable[list[dict[str, Any]]]]
"""The `staged` fixture: payloads of the staged events of a type, oldest first."""

DAY = local_day(datetime.now(UTC), LONDON) + timedelta(days=2)
"""A day two days ahead: inside the window (7 days back, 14 ahead)."""


def at(clock: time, day: date = DAY) -> str:
    return instant(day, clock, LONDON).isoformat()


async def patient(calendar: Calendar, name: str = "Amina Odhiambo") -> uuid.UUID:
    """A patient identity told booking about."""
    patient_id = uuid.uuid4()
    await calendar.apply(
        UserRegistered(user_id=patient_id, kind="patient", full_name=name, phone="+254712345678")
    )
    return patient_id


RECORDED = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
"""When the tests' mutations were recorded on the device: a little before the push."""


def mutation(kind: str, seq: int, **args: Any) -> dict[str, Any]:
    depends_on = args.pop("depends_on", [])
    recorded_at = args.pop("recorded_at", RECORDED)
    return {
        "id": str(uuid.uuid4()),
        "seq": seq,
        "recorded_at": recorded_at,
        "kind": kind,
        "depends_on": depends_on,
        "args": {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in args.items()},
    }


def book(
    calendar: Calendar, kind: dict[str, Any], seq: int, patient_id: uuid.UUID, clock: time
) -> dict[str, Any]:
    return mutation(
        "book",
        seq,
        appointment_id=uuid.uuid4(),
        type_id=kind["id"],
        patient_id=patient_id,
        provider_id=calendar.doctor,
        starts_at=at(clock),
        walk_in=False,
    )


async def push(
    calendar: Calendar,
    mutations: list[dict[str, Any]],
    headers: dict[str, str],
    device: uuid.UUID,
    failed: list[str] | None = None,
) -> httpx.Response:
    body = {
        "device_id": str(device),
        "clinic_id": str(calendar.id),
        "mutations": mutations,
        "failed": failed or [],
    }
    return await calendar.client.post("/v1/sync/push", json=body, headers=headers)
