"""Notify's test helpers: a clinic to register and book patients at, and the rows to look at."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from clinic_contracts.booking import AppointmentBooked
from clinic_contracts.identity import ClinicCreated, NotificationConsent, UserRegistered
from notify.messages.models import Message, MessageEvent
from notify.projection.models import Clinic as ClinicRow
from servicekit.auth import Membership
from servicekit.runtime import ServiceRuntime
from servicekit.testing.fixtures import Apply
from servicekit.testing.issuer import TokenIssuer
from sqlalchemy import select, update

Staged = Callable[..., Awaitable[list[dict[str, Any]]]]
"""Payloads of staged events, oldest first: `await staged("NotificationSent")`."""


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

    async def uses(self, **fields: Any) -> None:
        """Change the clinic's messaging settings, as its admin would."""
        async with self.runtime.sessions() as session, session.begin():
            await session.execute(update(ClinicRow).where(ClinicRow.id == self.id).values(**fields))

    def admin(self) -> dict[str, str]:
        return self.issuer.headers(uuid.uuid4(), Membership("clinic_admin", self.id))

    def receptionist(self) -> dict[str, str]:
        return self.issuer.headers(uuid.uuid4(), Membership("receptionist", self.id))

    def patient_headers(self, patient_id: uuid.UUID) -> dict[str, str]:
        return self.issuer.headers(patient_id, Membership("patient", None))


def org_admin(issuer: TokenIssuer) -> dict[str, str]:
    """Headers of an organisation admin."""
    return issuer.headers(uuid.uuid4(), Membership("org_admin", None))


async def history(runtime: ServiceRuntime, message_id: uuid.UUID) -> list[str]:
    """The statuses of a message's history, oldest first."""
    async with runtime.sessions() as session:
        query = select(MessageEvent.status).where(MessageEvent.message_id == message_id)
        return list(await session.scalars(query.order_by(MessageEvent.id)))


async def all_due(runtime: ServiceRuntime) -> None:
    """Bring every scheduled message's next attempt to now, as if the clock had moved on."""
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Message)
            .where(Message.status == "scheduled")
            .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
        )
