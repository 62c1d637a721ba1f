"""The notify app on the real PostgreSQL, with a clinic, a patient and helpers to book."""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from clinic_contracts.booking import AppointmentBooked
from clinic_contracts.envelope import Event, new_envelope
from clinic_contracts.identity import ClinicCreated, NotificationConsent, UserRegistered
from fastapi import FastAPI
from notify.app import create_app
from notify.messages.models import Message
from notify.projection.handlers import on_event
from notify.settings import Settings
from servicekit.auth import Membership
from servicekit.runtime import ServiceRuntime
from servicekit.testing.apps import serving, staged_events
from servicekit.testing.issuer import TokenIssuer
from sqlalchemy import select


@pytest.fixture
async def settings(
    clean_service_database, kafka_bootstrap_servers: str, kafka_topic_prefix: str
) -> Settings:
    return Settings(
        database_url=await clean_service_database("notify"),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=kafka_topic_prefix,
        public_url="https://clinic.example.org",
    )


@pytest.fixture
def issuer() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture
async def app(settings: Settings, issuer: TokenIssuer) -> AsyncIterator[FastAPI]:
    # Events are applied by `apply`; dispatch rounds are run by the tests themselves.
    app = create_app(settings, consume=False, dispatch=False)
    async with serving(app, issuer.verifier()):
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notify.test") as client:
        yield client


@pytest.fixture
def runtime(app: FastAPI) -> ServiceRuntime:
    runtime: ServiceRuntime = app.state.runtime
    return runtime


Apply = Callable[..., Awaitable[None]]


@pytest.fixture
def apply(runtime: ServiceRuntime) -> Apply:
    """Apply events through the consumer's handler, one transaction each."""

    async def apply(*events: Event) -> None:
        for event in events:
            async with runtime.sessions() as session, session.begin():
                await on_event(session, new_envelope(event, producer="test"))

    return apply


@dataclass
class Clinic:
    """A Nairobi clinic with a provider, and helpers to add patients and book them."""

    apply: Apply
    issuer: TokenIssuer
    runtime: ServiceRuntime
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    provider: uuid.UUID = field(default_factory=uuid.uuid4)
    type_id: uuid.UUID = field(default_factory=uuid.uuid4)

    async def open(self) -> Clinic:
        await self.apply(
            ClinicCreated(
                clinic_id=self.id,
                name="Kibera Clinic",
                time_zone="Africa/Nairobi",
                phone="+254700000001",
            )
        )
        return self

    async def patient(
        self,
        phone: str | None = "+254712345678",
        *,
        sms: bool = True,
        whatsapp: bool = False,
        language: str = "en",
    ) -> uuid.UUID:
        patient_id = uuid.uuid4()
        await self.apply(
            UserRegistered(
                user_id=patient_id,
                kind="patient",
                full_name="Amina Odhiambo",
                phone=phone,
                preferred_language=language,
                consent=NotificationConsent(sms=sms, whatsapp=whatsapp),
            )
        )
        return patient_id

    def booked(
        self, patient_id: uuid.UUID, starts_in: timedelta = timedelta(days=3), **fields: Any
    ) -> AppointmentBooked:
        starts_at = (datetime.now(UTC) + starts_in).replace(microsecond=0)
        values: dict[str, Any] = {
            "appointment_id": uuid.uuid4(),
            "clinic_id": self.id,
            "patient_id": patient_id,
            "provider_id": self.provider,
            "type_id": self.type_id,
            "type_name": "General consultation",
            "status": "booked",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=20),
            "time_zone": "Africa/Nairobi",
            "booked_by": "patient",
        }
        return AppointmentBooked(**(values | fields))

    async def messages(self, appointment_id: uuid.UUID | None = None) -> list[Message]:
        query = select(Message).where(Message.clinic_id == self.id)
        if appointment_id is not None:
            query = query.where(Message.appointment_id == appointment_id)
        async with self.runtime.sessions() as session:
            return list((await session.scalars(query.order_by(Message.created_at))).all())

    def admin(self) -> dict[str, str]:
        return self.issuer.headers(uuid.uuid4(), Membership("clinic_admin", self.id))

    def receptionist(self) -> dict[str, str]:
        return self.issuer.headers(uuid.uuid4(), Membership("receptionist", self.id))

    def patient_headers(self, patient_id: uuid.UUID) -> dict[str, str]:
        return self.issuer.headers(patient_id, Membership("patient", None))


@pytest.fixture
async def clinic(apply: Apply, issuer: TokenIssuer, runtime: ServiceRuntime) -> Clinic:
    return await Clinic(apply, issuer, runtime).open()


@pytest.fixture
def staged(runtime: ServiceRuntime) -> Callable[..., Awaitable[list[dict[str, Any]]]]:
    """Payloads of staged events, oldest first: `await staged("NotificationSent")`."""
    return functools.partial(staged_events, runtime)
