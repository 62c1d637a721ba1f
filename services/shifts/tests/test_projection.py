"""Identity's events: kept in the projection, and what they do to the roster."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from clinic_contracts.envelope import encode, new_envelope
from clinic_contracts.identity import (
    IDENTITY_TOPIC,
    ClinicCreated,
    ClinicUpdated,
    MembershipGranted,
    MembershipRevoked,
    UserDeactivated,
    UserRegistered,
)
from servicekit.runtime import ServiceRuntime
from servicekit.testing.apps import running_app
from shifts.app import create_app
from shifts.projection.models import Clinic, StaffRole
from shifts.settings import Settings
from sqlalchemy import select

from .conftest import Network, Staged, TemplateBody


async def _template(
    client: httpx.AsyncClient,
    network: Network,
    template_body: TemplateBody,
    clinic: str = "Kibera",
    staff: str = "Dr Otieno",
) -> dict[str, Any]:
    # From the day after tomorrow: no shift is about to start (or running) while a test runs.
    later = (date.today() + timedelta(days=2)).isoformat()
    body = template_body(network.clinics[clinic], network.people[staff], valid_from=later)
    response = await client.post("/v1/shift-templates", json=body, headers=network.org_admin())
    assert response.status_code == 201, response.text
    template: dict[str, Any] = response.json()
    return template


async def _scheduled(client: httpx.AsyncClient, network: Network) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    window = {"from": now.isoformat(), "to": (now + timedelta(weeks=13)).isoformat()}
    response = await client.get(
        "/v1/shifts",
        params={**window, "status": "scheduled", "limit": 200},
        headers=network.org_admin(),
    )
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_losing_a_role_cancels_future_shifts_there_only(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody, staged: Staged
) -> None:
    await network.clinic("Kibera")
    await network.clinic("Mathare")
    doctor = await network.staff("Dr Otieno", ("provider", "Kibera"), ("provider", "Mathare"))
    await _template(client, network, template_body, "Kibera")
    evenings = [{"day": "tue", "starts": "18:00", "ends": "21:00"}]
    body = template_body(network.clinics["Mathare"], doctor, weekly=evenings)
    assert (
        await client.post("/v1/shift-templates", json=body, headers=network.org_admin())
    ).status_code == 201
    before = await _scheduled(client, network)

    await network.apply(
        MembershipRevoked(user_id=doctor, clinic_id=network.clinics["Kibera"], role="provider")
    )

    after = await _scheduled(client, network)
    assert {s["clinic_id"] for s in after} == {str(network.clinics["Mathare"])}
    cancelled = await staged("ShiftCancelled")
    assert len(cancelled) == len(before) - len(after)
    assert {e["reason"] for e in cancelled} == {"staff_left"}
    templates = await client.get("/v1/shift-templates", headers=network.org_admin())
    assert [t["clinic_id"] for t in templates.json()["items"]] == [str(network.clinics["Mathare"])]


async def test_a_deactivated_staff_member_loses_every_future_shift(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody
) -> None:
    await network.clinic("Kibera")
    doctor = await network.staff("Dr Otieno", ("provider", "Kibera"))
    await _template(client, network, template_body)

    await network.apply(UserDeactivated(user_id=doctor))

    assert await _scheduled(client, network) == []
    body = template_body(network.clinics["Kibera"], doctor)
    again = await client.post("/v1/shift-templates", json=body, headers=network.org_admin())
    assert again.status_code == 422  # not qualified any more


async def test_a_clinic_moving_time_zone_keeps_local_hours(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody, staged: Staged
) -> None:
    clinic = await network.clinic("Kibera", "Africa/Nairobi")
    await network.staff("Dr Otieno", ("provider", "Kibera"))
    await _template(client, network, template_body)

    await network.apply(ClinicUpdated(clinic_id=clinic, name="Kibera", time_zone="Africa/Lagos"))

    shifts = await _scheduled(client, network)
    assert shifts
    for shift in shifts:
        starts = datetime.fromisoformat(shift["starts_at"])
        assert (starts.hour, starts.utcoffset()) == (8, timedelta(hours=1))
    assert len(await staged("ShiftChanged")) == len(shifts)


async def test_replayed_and_foreign_events_are_harmless(
    runtime: ServiceRuntime, network: Network
) -> None:
    clinic = await network.clinic("Kibera")
    event = MembershipGranted(
        user_id=uuid.uuid4(), clinic_id=clinic, role="provider", specialty="gp"
    )

    await network.apply(event, event)
    await network.apply(MembershipGranted(user_id=uuid.uuid4(), clinic_id=None, role="org_admin"))
    await network.apply(UserRegistered(user_id=uuid.uuid4(), kind="patient", full_name="Amina"))

    async with runtime.sessions() as session:
        roles = (await session.scalars(select(StaffRole))).all()
    assert [(r.role, r.specialty) for r in roles] == [("provider", "gp")]


async def test_the_consumer_keeps_the_projection_from_the_broker(settings: Settings) -> None:
    clinic_id = uuid.uuid4()
    event = ClinicCreated(clinic_id=clinic_id, name="Kibera", time_zone="Africa/Nairobi")
    app = create_app(settings)

    async with running_app(app) as client:
        runtime = app.state.runtime
        await runtime.connector.connected.wait()
        envelope = new_envelope(event, producer="identity")
        await runtime.broker.publish(
            encode(envelope),
            topic=settings.topic(IDENTITY_TOPIC),
            key=str(clinic_id).encode(),
        )
        async with asyncio.timeout(60):
            while True:
                async with runtime.sessions() as session:
                    clinic = await session.get(Clinic, clinic_id)
                if clinic is not None:
                    break
                await asyncio.sleep(0.2)
        assert (await client.get("/readyz")).status_code == 200
    assert clinic.time_zone == "Africa/Nairobi"
