"""What the leave API's tests share: requests by days or instants at a clinic."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import httpx

PROBLEM = "application/problem+json"


async def request_leave(
    client: httpx.AsyncClient, headers: dict[str, str], clinic: UUID, **body: Any
) -> httpx.Response:
    """Ask for annual leave at `clinic` unless `body` says otherwise."""
    body = {"clinic_id": str(clinic), "kind": "annual", **body}
    return await client.post("/v1/leave", json=body, headers=headers)


async def requested(
    client: httpx.AsyncClient, headers: dict[str, str], clinic: UUID, **body: Any
) -> dict[str, Any]:
    """Leave asked for, which must have been accepted."""
    response = await request_leave(client, headers, clinic, **body)
    assert response.status_code == 201, response.text
    leave: dict[str, Any] = response.json()
    return leave


def days(first: str, last: str | None = None) -> dict[str, str]:
    """Whole local days, `first` to `last` (or just `first`)."""
    return {"first_day": first, "last_day": last or first}


def at(value: str) -> datetime:
    """An instant the API wrote."""
    return datetime.fromisoformat(value)
