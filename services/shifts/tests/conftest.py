"""The shifts app on the real PostgreSQL and broker, fed identity's events by its own handler."""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from clinic_contracts.envelope import Event, new_envelope
from clinic_contracts.identity import ClinicCreated, MembershipGranted, UserRegistered
from fastapi import FastAPI
from servicekit.auth import Membership
from servicekit.runtime import ServiceRuntime
from servicekit.testing.apps import serving, staged_events
from servicekit.testing.issuer import TokenIssuer
from shifts.app import create_app
from shifts.projection.handlers import on_identity_event
from shifts.settings import Settings

BASE = "http://shifts.test"


@pytest.fixture
async def settings(
    clean_service_database, kafka_bootstrap_servers: str, kafka_topic_prefix: str
) -> Settings:
    return Settings(
        database_url=await clean_service_database("shifts"),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=kafka_topic_prefix,
    )


@pytest.fixture
def issuer() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture
async def app(settings: Settings, issuer: TokenIssuer) -> AsyncIterator[FastAPI]:
    # Identity's events are applied by `apply` through the same handler the consumer calls;
    # test_projection.py covers the consumer itself on the real broker.
    app = create_app(settings, consume=False)
    async with serving(app, issuer.verifier()):
        yield app


@pytest.fixture
def runtime(app: FastAPI) -> ServiceRuntime:
    runtime: ServiceRuntime = app.state.runtime
    return runtime


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


Apply = Callable[..., Awaitable[None]]


@pytest.fixture
def apply(runtime: ServiceRuntime) -> Apply:
    """Apply identity events through the service's own consumer handler, one transaction each."""

    async def apply(*events: Event) -> None:
        for event in events:
            async with runtime.sessions() as session, session.begin():
                await on_identity_event(session, new_envelope(event, producer="identity"))

    return apply


@dataclass
class Network:
    """A clinic network as identity would have announced it, and tokens for its people."""

    issuer: TokenIssuer
    apply: Apply
    clinics: dict[str, uuid.UUID] = field(default_factory=dict)
    people: dict[str, uuid.UUID] = field(default_factory=dict)
    roles: dict[str, list[Membership]] = field(default_factory=dict)

    async def clinic(self, name: str, time_zone: str = "Africa/Nairobi") -> uuid.UUID:
        clinic_id = uuid.uuid4()
        await self.apply(ClinicCreated(clinic_id=clinic_id, name=name, time_zone=time_zone))
        self.clinics[name] = clinic_id
        return clinic_id

    async def staff(self, name: str, *roles: tuple[str, str]) -> uuid.UUID:
        """A staff member holding (role, clinic name) pairs."""
        user_id = self.people.get(name) or uuid.uuid4()
        if name not in self.people:
            await self.apply(UserRegistered(user_id=user_id, kind="staff", full_name=name))
        self.people[name] = user_id
        for role, clinic in roles:
            clinic_id = self.clinics[clinic]
            await self.apply(MembershipGranted(user_id=user_id, clinic_id=clinic_id, role=role))
            self.roles.setdefault(name, []).append(Membership(role, clinic_id))
        return user_id

    def org_admin(self, name: str = "Org Admin") -> dict[str, str]:
        self.people.setdefault(name, uuid.uuid4())
        self.roles[name] = [Membership("org_admin")]
        return self.as_(name)

    def as_(self, name: str) -> dict[str, str]:
        """Headers of a signed-in person of the network (or a patient when unknown)."""
        user_id = self.people.setdefault(name, uuid.uuid4())
        memberships = self.roles.get(name) or [Membership("patient")]
        return self.issuer.headers(user_id, *memberships)


@pytest.fixture
def network(issuer: TokenIssuer, apply: Apply) -> Network:
    return Network(issuer, apply)


def week_template(clinic_id: uuid.UUID, staff_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    """A Monday-to-Friday 08:00-17:00 template with a 12:00-13:00 break, from 2026-01-05."""
    days = ("mon", "tue", "wed", "thu", "fri")
    body: dict[str, Any] = {
        "clinic_id": str(clinic_id),
        "staff_id": str(staff_id),
        "role": "provider",
        "valid_from": "2026-01-05",
        "weekly": [
            {
                "day": d,
                "starts": "08:00",
                "ends": "17:00",
                "breaks": [{"starts": "12:00", "ends": "13:00"}],
            }
            for d in days
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def template_body() -> Callable[..., dict[str, Any]]:
    """Build a template request body: `template_body(clinic_id, staff_id, **overrides)`."""
    return week_template


Outbox = Callable[..., Awaitable[list[dict[str, Any]]]]


@pytest.fixture
def staged(runtime: ServiceRuntime) -> Outbox:
    """Payloads of staged events, oldest first: `await staged("ShiftScheduled")`."""
    return functools.partial(staged_events, runtime)
