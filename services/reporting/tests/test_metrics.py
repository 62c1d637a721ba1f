"""Business metrics count each event once when applied live, never on a rebuild; utilisation."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from prometheus_client import REGISTRY
from reporting.analytics.repository import utilisation_today
from servicekit.runtime import ServiceRuntime

from .activity import ClinicActivity, nairobi_week
from .conftest import Apply, Rebuilt


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def notifications(outcome: str) -> float:
    labels = {"provider": "africastalking", "channel": "sms", "outcome": outcome}
    return sample("clinic_notifications_total", **labels)


async def test_counters_move_once_per_event_and_not_on_rebuild(
    apply: Apply, rebuilt: Rebuilt, client: httpx.AsyncClient
) -> None:
    week = nairobi_week()
    clinic = str(week.clinic.id)
    sent_before, failed_before = notifications("sent"), notifications("failed")
    await apply(week.clinic.envelopes)
    await apply(week.clinic.envelopes)  # redelivered: counted once
    await rebuilt()
    assert sample("clinic_appointments_booked_total", clinic_id=clinic) == 10
    assert sample("clinic_appointments_completed_total", clinic_id=clinic) == 4
    assert sample("clinic_appointments_no_show_total", clinic_id=clinic) == 2
    by_clinic = sample(
        "clinic_appointments_cancelled_total", clinic_id=clinic, cancelled_by="clinic"
    )
    by_patient = sample(
        "clinic_appointments_cancelled_total", clinic_id=clinic, cancelled_by="patient"
    )
    assert (by_clinic, by_patient) == (2, 1)
    # Six reminders and a confirmation were sent; one undelivered, one never sent.
    assert notifications("sent") - sent_before == 6
    assert notifications("failed") - failed_before == 2
    exported = (await client.get("/metrics")).text
    assert f'clinic_appointments_booked_total{{clinic_id="{clinic}"}} 10.0' in exported


async def test_utilisation_is_today_in_the_clinic_zone(
    apply: Apply, runtime: ServiceRuntime
) -> None:
    clinic = ClinicActivity("Africa/Nairobi", "Today").open()
    local_today = datetime.now(ZoneInfo(clinic.zone)).date()
    provider, type_id = uuid.uuid4(), uuid.uuid4()
    clinic.shift(provider, f"{local_today} 08:00", f"{local_today} 16:00")
    clinic.book(
        provider, type_id, f"{local_today} 09:00", minutes=60, booked=f"{local_today} 07:00"
    )
    yesterday = local_today - timedelta(days=1)
    clinic.book(provider, type_id, f"{yesterday} 09:00", minutes=60, booked=f"{yesterday} 07:00")
    await apply(clinic.envelopes)
    async with runtime.sessions() as session:
        assert (await utilisation_today(session))[clinic.id] == 60 / 480
