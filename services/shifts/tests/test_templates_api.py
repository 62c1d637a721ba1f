"""Templates generate the roster, keep it in step when they change, and never overlap."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx


async def _shifts(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        query = {**params, "limit": "200", **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/shifts", params=query, headers=headers)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


async def test_a_template_fills_the_horizon_with_shifts(client, network, template_body):
    clinic = await network.clinic("Kibera", "Africa/Nairobi")
    doctor = await network.staff("Dr Otieno", ("provider", "Kibera"))
    await network.staff("Admin", ("clinic_admin", "Kibera"))

    response = await client.post(
        "/v1/shift-templates", json=template_body(clinic, doctor), headers=network.as_("Admin")
    )

    assert response.status_code == 201, response.text
    template = response.json()
    assert template["sync"]["scheduled"] >= 55  # 12 weeks of weekdays, less today's
    shifts = await _shifts(
        client,
        network.as_("Dr Otieno"),
        clinic_id=str(clinic),
        **{
            "from": datetime.now().astimezone().isoformat(),
            "to": (datetime.now().astimezone() + timedelta(weeks=13)).isoformat(),
        },
    )
    assert len(shifts) == template["sync"]["scheduled"]
    for shift in shifts:
        starts = datetime.fromisoformat(shift["starts_at"])
        assert (starts.hour, starts.minute, starts.utcoffset()) == (8, 0, timedelta(hours=3))
        assert shift["worked_hours"] == 8.0
        assert shift["staff_name"] == "Dr Otieno"
        assert shift["template_id"] == template["id"]
