"""The shifts app on the real PostgreSQL and broker, fed identity's events by its own handler."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict

import pytest
from clinic_contracts.identity import ClinicCreated, MembershipGranted, UserRegistered
from servicekit.auth import Membership
from servicekit.runtime import ServiceRuntime
from servicekit.testing.apps import staged_events
from servicekit.testing.fixtures import Apply, service_fixtures
from servicekit.testing.issuer import TokenIssuer
from shifts.app import create_app
from shifts.projection.handlers import on_identity_event
from shifts.settings import Settings

# test_projection.py covers the consumer itself on the real broker.
settings, issuer, app, client, runtime, apply = service_fixtures(
    "shifts",
    Settings,
    lambda settings: create_app(settings, consume=False),
    handler=on_identity_event,
    producer="identity",
)


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


def week_template(
    clinic_id: uuid.UUID | str, staff_id: uuid.UUID | str, **overrides: Any
) -> dict[str, Any]:
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


class TemplateBody(Protocol):
    """Builds a template request body: `template_body(clinic_id, staff_id, **overrides)`."""

    def __call__(
        self, clinic_id: uuid.UUID | str, staff_id: uuid.UUID | str, **overrides: Any
    ) -> dict[str, Any]: ...


@pytest.fixture
def template_body() -> TemplateBody:
    """Build a template request body: `template_body(clinic_id, staff_id, **overrides)`."""
    return week_template


class Staged(Protocol):
    """Payloads of the events staged in the outbox, oldest first; only these types if named."""

    async def __call__(self, *event_types: str) -> list[dict[str, Any]]: ...


@pytest.fixture
def staged(runtime: ServiceRuntime) -> Staged:
    """Payloads of staged events, oldest first: `await staged("ShiftScheduled")`."""

    async def payloads(*event_types: str) -> list[dict[str, Any]]:
        return await staged_events(runtime, *event_types)

    return payloads


@pytest.fixture
async def camden(network: Network) -> uuid.UUID:
    """A London clinic with an admin, two providers and a receptionist; Hackney next door."""
    clinic_id = await network.clinic("Camden", "Europe/London")
    await network.clinic("Hackney", "Europe/London")
    await network.staff("Admin", ("clinic_admin", "Camden"))
    await network.staff("Dr Patel", ("provider", "Camden"))
    await network.staff("Dr Jones", ("provider", "Camden"), ("provider", "Hackney"))
    await network.staff("Reception", ("receptionist", "Camden"))
    await network.staff("Elsewhere", ("provider", "Hackney"))
    return clinic_id


class Kibera(TypedDict):
    """A Nairobi clinic (UTC+3), and the headers of its provider and its admin."""

    clinic: uuid.UUID
    doctor: dict[str, str]
    admin: dict[str, str]


@pytest.fixture
async def kibera(network: Network) -> Kibera:
    """A Nairobi clinic (UTC+3) with a provider, a receptionist and an admin."""
    clinic = await network.clinic("Kibera", "Africa/Nairobi")
    await network.staff("Dr Otieno", ("provider", "Kibera"))
    await network.staff("Wanjiru", ("receptionist", "Kibera"))
    await network.staff("Admin", ("clinic_admin", "Kibera"))
    return {"clinic": clinic, "doctor": network.as_("Dr Otieno"), "admin": network.as_("Admin")}
