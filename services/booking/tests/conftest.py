"""The booking app on the real PostgreSQL and broker."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from booking.app import create_app
from booking.projection.handlers import on_event
from booking.settings import Settings
from clinic_contracts.identity import (
    BookingPolicy,
    ClinicCreated,
    MembershipGranted,
    UserRegistered,
)
from clinic_contracts.shifts import ShiftScheduled
from servicekit.auth import Membership
from servicekit.localtime import instant, zone
from servicekit.runtime import ServiceRuntime
from servicekit.testing.apps import staged_events
from servicekit.testing.fixtures import Apply, service_fixtures
from servicekit.testing.issuer import TokenIssuer

settings, issuer, app, client, runtime, apply = service_fixtures(
    "booking", Settings, lambda settings: create_app(settings, consume=False), handler=on_event
)


LONDON = zone("Europe/London")


@dataclass
class Calendar:
    """A London clinic with two providers, and helpers to staff it and book through the API."""

    client: httpx.AsyncClient
    issuer: TokenIssuer
    apply: Apply
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    doctor: uuid.UUID = field(default_factory=uuid.uuid4)
    nurse: uuid.UUID = field(default_factory=uuid.uuid4)

    async def open(self, **policy: Any) -> Calendar:
        await self.apply(
            ClinicCreated(
                clinic_id=self.id,
                name="Camden",
                time_zone="Europe/London",
                booking_policy=BookingPolicy(**policy),
            ),
            UserRegistered(user_id=self.doctor, kind="staff", full_name="Dr Patel"),
            UserRegistered(user_id=self.nurse, kind="staff", full_name="Dr Jones"),
            MembershipGranted(user_id=self.doctor, clinic_id=self.id, role="provider"),
            MembershipGranted(user_id=self.nurse, clinic_id=self.id, role="provider"),
        )
        return self

    async def shift(
        self, staff: uuid.UUID, day: date, start: time = time(8), end: time = time(17)
    ) -> uuid.UUID:
        """A shift without breaks; its id."""
        shift_id = uuid.uuid4()
        await self.apply(
            ShiftScheduled(
                shift_id=shift_id,
                clinic_id=self.id,
                staff_id=staff,
                role="provider",
                starts_at=instant(day, start, LONDON),
                ends_at=instant(day, end, LONDON),
                local_date=day.isoformat(),
                time_zone="Europe/London",
            )
        )
        return shift_id

    def admin(self) -> dict[str, str]:
        return self.issuer.headers(uuid.uuid4(), Membership("clinic_admin", self.id))

    def receptionist(self) -> dict[str, str]:
        return self.issuer.headers(uuid.uuid4(), Membership("receptionist", self.id))

    def patient(self, patient_id: uuid.UUID | None = None) -> dict[str, str]:
        return self.issuer.headers(patient_id or uuid.uuid4(), Membership("patient", None))

    async def new_type(self, **fields: Any) -> dict[str, Any]:
        body = {"clinic_id": str(self.id), "name": "Consultation", "duration_minutes": 30}
        response = await self.client.post(
            "/v1/appointment-types", json=body | fields, headers=self.admin()
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    def slot(self, kind: dict[str, Any], day: date, at: time, **fields: Any) -> dict[str, Any]:
        """A booking body for `kind` at local `at` on `day` with the doctor."""
        return {
            "clinic_id": str(self.id),
            "type_id": kind["id"],
            "starts_at": instant(day, at, LONDON).isoformat(),
            "provider_id": str(self.doctor),
            **fields,
        }

    async def book(self, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        return await self.client.post("/v1/appointments", json=body, headers=headers)


@pytest.fixture
async def calendar(client: httpx.AsyncClient, issuer: TokenIssuer, apply: Apply) -> Calendar:
    return await Calendar(client, issuer, apply).open()


@pytest.fixture
def staged(runtime: ServiceRuntime) -> Callable[..., Awaitable[list[dict[str, Any]]]]:
    """Payloads of staged events, oldest first: `await staged("AppointmentBooked")`."""
    return functools.partial(staged_events, runtime)


SOON = date.today() + timedelta(days=14 - date.today().weekday())  # a Monday two weeks on
Staged = Callable[..., Awaitable[list[dict[str, Any]]]]


def problem(response: httpx.Response) -> tuple[int, str]:
    """Status and problem type slug."""
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code, response.json()["type"].rsplit(":", 1)[-1]


def clock(moment: str) -> str:
    """An instant's London wall-clock time, e.g. 09:30."""
    return datetime.fromisoformat(moment).astimezone(LONDON).strftime("%H:%M")


async def free_starts(calendar: Calendar, kind: dict[str, Any]) -> list[str]:
    """The free starts of `kind` on SOON, as wall-clock times."""
    params: dict[str, Any] = {
        "clinic_id": str(calendar.id),
        "type_id": kind["id"],
        "from": instant(SOON, time(0), LONDON).isoformat(),
        "to": instant(SOON + timedelta(days=1), time(0), LONDON).isoformat(),
        "limit": 200,
    }
    response = await calendar.client.get("/v1/slots", params=params)
    assert response.status_code == 200, response.text
    return [clock(s["starts_at"]) for s in response.json()["items"]]
