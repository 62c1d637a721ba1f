"""The horizon rolls forward as days pass, idempotently, without forcing clashing shifts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
from servicekit.runtime import ServiceRuntime
from shifts.templates.horizon import extend_horizon

from .conftest import Network, Staged, TemplateBody

NAIROBI = ZoneInfo("Africa/Nairobi")


async def test_rolling_forward_adds_the_new_days_once(
    client: httpx.AsyncClient,
    network: Network,
    template_body: TemplateBody,
    runtime: ServiceRuntime,
    staged: Staged,
) -> None:
    clinic = await network.clinic("Kibera")
    doctor = await network.staff("Dr Otieno", ("provider", "Kibera"))
    body = template_body(clinic, doctor)
    template = (
        await client.post("/v1/shift-templates", json=body, headers=network.org_admin())
    ).json()
    before = len(await staged("ShiftScheduled"))
    later = datetime.now(UTC) + timedelta(days=14)

    first = await extend_horizon(runtime.sessions, 12, now=later)
    second = await extend_horizon(runtime.sessions, 12, now=later)

    assert (first, second) == (1, 0)
    added = (await staged("ShiftScheduled"))[before:]
    assert len(added) == 10  # two more weeks of weekdays
    last = date.fromisoformat(template["generated_until"])
    assert {date.fromisoformat(e["local_date"]) for e in added} <= {
        last + timedelta(days=n) for n in range(1, 15)
    }
    refreshed = await client.get(
        f"/v1/shift-templates/{template['id']}", headers=network.org_admin()
    )
    assert date.fromisoformat(refreshed.json()["generated_until"]) == last + timedelta(days=14)


async def test_a_shift_added_by_hand_beyond_the_horizon_wins(
    client: httpx.AsyncClient,
    network: Network,
    template_body: TemplateBody,
    runtime: ServiceRuntime,
) -> None:
    clinic = await network.clinic("Kibera")
    doctor = await network.staff("Dr Otieno", ("provider", "Kibera"))
    body = template_body(clinic, doctor)
    template = (
        await client.post("/v1/shift-templates", json=body, headers=network.org_admin())
    ).json()
    end = date.fromisoformat(template["generated_until"])
    monday = end + timedelta(days=7 - end.weekday())
    one_off = {
        "clinic_id": str(clinic),
        "staff_id": str(doctor),
        "starts_at": datetime.combine(monday, time(10), NAIROBI).isoformat(),
        "ends_at": datetime.combine(monday, time(20), NAIROBI).isoformat(),
    }
    made = await client.post("/v1/shifts", json=one_off, headers=network.org_admin())
    assert made.status_code == 201, made.text

    await extend_horizon(runtime.sessions, 12, now=datetime.now(UTC) + timedelta(days=14))

    window = {
        "from": datetime.combine(monday, time(0), NAIROBI).isoformat(),
        "to": datetime.combine(monday + timedelta(days=2), time(0), NAIROBI).isoformat(),
        "staff_id": str(doctor),
    }
    shifts = (await client.get("/v1/shifts", params=window, headers=network.org_admin())).json()[
        "items"
    ]
    assert [(s["template_id"], s["id"] == made.json()["id"]) for s in shifts] == [
        (None, True),
        (template["id"], False),
    ]
