"""Templates generate the roster, keep it in step when they change, and never overlap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest

from .conftest import Network, Staged, TemplateBody

SOON = datetime.now(UTC)


async def all_shifts(
    client: httpx.AsyncClient, headers: dict[str, str], weeks: int = 13, **params: str
) -> list[dict[str, Any]]:
    """Every shift of the next `weeks` weeks the caller may see, page by page."""
    items: list[dict[str, Any]] = []
    window = {"from": SOON.isoformat(), "to": (SOON + timedelta(weeks=weeks)).isoformat()}
    cursor = None
    while True:
        query = {**window, **params, "limit": "200", **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/shifts", params=query, headers=headers)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


async def _setup(network: Network) -> tuple[UUID, UUID]:
    clinic = await network.clinic("Kibera", "Africa/Nairobi")
    doctor = await network.staff("Dr Otieno", ("provider", "Kibera"))
    await network.staff("Admin", ("clinic_admin", "Kibera"))
    return clinic, doctor


async def test_a_template_fills_the_horizon_with_shifts(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody, staged: Staged
) -> None:
    clinic, doctor = await _setup(network)

    response = await client.post(
        "/v1/shift-templates", json=template_body(clinic, doctor), headers=network.as_("Admin")
    )

    assert response.status_code == 201, response.text
    template = response.json()
    assert response.headers["Location"] == f"/v1/shift-templates/{template['id']}"
    assert template["sync"]["scheduled"] >= 55  # 12 weeks of weekdays, less today's
    shifts = await all_shifts(client, network.as_("Dr Otieno"), clinic_id=str(clinic))
    assert len(shifts) == template["sync"]["scheduled"]
    for shift in shifts:
        starts = datetime.fromisoformat(shift["starts_at"])
        assert (starts.hour, starts.minute, starts.utcoffset()) == (8, 0, timedelta(hours=3))
        assert starts.weekday() < 5
        assert shift["worked_hours"] == 8.0
        assert shift["staff_name"] == "Dr Otieno"
        assert shift["template_id"] == template["id"]
    events = await staged("ShiftScheduled")
    assert {e["shift_id"] for e in events} == {s["id"] for s in shifts}
    assert all(e["time_zone"] == "Africa/Nairobi" and len(e["breaks"]) == 1 for e in events)


async def test_overlapping_templates_of_one_clinic_are_refused_with_the_clash(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody
) -> None:
    clinic, doctor = await _setup(network)
    admin = network.as_("Admin")
    first = await client.post(
        "/v1/shift-templates", json=template_body(clinic, doctor), headers=admin
    )
    assert first.status_code == 201
    afternoon = [{"day": "wed", "starts": "16:00", "ends": "20:00"}]

    response = await client.post(
        "/v1/shift-templates", json=template_body(clinic, doctor, weekly=afternoon), headers=admin
    )

    assert response.status_code == 409, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"].endswith("shift-overlap")
    clash = problem["clashing_shift"]
    assert clash["staff_id"] == str(doctor)
    assert clash["template_id"] == first.json()["id"]
    assert datetime.fromisoformat(clash["starts_at"]).weekday() == 2
    listed = await client.get("/v1/shift-templates", headers=admin)
    assert [t["id"] for t in listed.json()["items"]] == [first.json()["id"]]  # nothing half-made


async def _working_at_kibera(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody
) -> tuple[UUID, UUID]:
    """Dr Otieno on weekdays at Kibera, who also works at Mathare; Kibera's and his ids."""
    kibera = await network.clinic("Kibera", "Africa/Nairobi")
    await network.clinic("Mathare", "Africa/Nairobi")
    doctor = await network.staff("Dr Otieno", ("provider", "Kibera"), ("provider", "Mathare"))
    admin = network.org_admin()
    assert (
        await client.post("/v1/shift-templates", json=template_body(kibera, doctor), headers=admin)
    ).status_code == 201
    return kibera, doctor


async def test_a_staff_member_cannot_work_two_clinics_at_once(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody
) -> None:
    kibera, doctor = await _working_at_kibera(client, network, template_body)
    mathare = network.clinics["Mathare"]

    clash = await client.post(
        "/v1/shift-templates", json=template_body(mathare, doctor), headers=network.org_admin()
    )

    assert clash.status_code == 409
    assert clash.json()["clashing_shift"]["clinic_id"] == str(kibera)


async def test_a_staff_member_works_two_clinics_at_different_times(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody
) -> None:
    _, doctor = await _working_at_kibera(client, network, template_body)
    mathare = network.clinics["Mathare"]
    evenings = [{"day": d, "starts": "18:00", "ends": "22:00"} for d in ("mon", "thu")]

    apart = await client.post(
        "/v1/shift-templates",
        json=template_body(mathare, doctor, weekly=evenings),
        headers=network.org_admin(),
    )

    assert apart.status_code == 201, apart.text


async def test_changing_a_template_moves_its_future_shifts_but_not_edited_ones(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody, staged: Staged
) -> None:
    clinic, doctor = await _setup(network)
    admin = network.as_("Admin")
    template = (
        await client.post("/v1/shift-templates", json=template_body(clinic, doctor), headers=admin)
    ).json()
    shifts = await all_shifts(client, admin)
    edited = shifts[3]
    new_end = datetime.fromisoformat(edited["ends_at"]) + timedelta(hours=1)
    patched = await client.patch(
        f"/v1/shifts/{edited['id']}", json={"ends_at": new_end.isoformat()}, headers=admin
    )
    assert patched.status_code == 200, patched.text
    shorter = [{"day": d, "starts": "09:00", "ends": "15:00"} for d in ("mon", "tue", "wed", "thu")]

    response = await client.patch(
        f"/v1/shift-templates/{template['id']}", json={"weekly": shorter}, headers=admin
    )

    assert response.status_code == 200, response.text
    sync = response.json()["sync"]
    fridays = sum(1 for s in shifts if datetime.fromisoformat(s["starts_at"]).weekday() == 4)
    edited_friday = datetime.fromisoformat(edited["starts_at"]).weekday() == 4
    assert sync["removed"] == fridays - edited_friday
    assert sync["changed"] == len(shifts) - fridays - (not edited_friday)
    assert sync["kept"] == 1
    after = {s["id"]: s for s in await all_shifts(client, admin)}
    assert after[edited["id"]]["ends_at"] == patched.json()["ends_at"]
    for shift in after.values():
        if shift["id"] != edited["id"]:
            starts = datetime.fromisoformat(shift["starts_at"])
            assert (starts.hour, shift["worked_hours"], starts.weekday() < 4) == (9, 6.0, True)
    changed = await staged("ShiftChanged")
    assert len(changed) == sync["changed"] + 1  # and the single edit
    assert len(await staged("ShiftCancelled")) == sync["removed"]


async def test_deleting_a_template_removes_its_future_shifts(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody, staged: Staged
) -> None:
    clinic, doctor = await _setup(network)
    admin = network.as_("Admin")
    template = (
        await client.post("/v1/shift-templates", json=template_body(clinic, doctor), headers=admin)
    ).json()

    response = await client.delete(f"/v1/shift-templates/{template['id']}", headers=admin)

    assert response.status_code == 204
    assert await all_shifts(client, admin) == []
    assert len(await staged("ShiftCancelled")) == template["sync"]["scheduled"]
    gone = await client.get(f"/v1/shift-templates/{template['id']}", headers=admin)
    assert gone.status_code == 404


async def test_only_staff_holding_the_role_can_be_given_a_template(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody
) -> None:
    clinic, _ = await _setup(network)
    receptionist = await network.staff("Wanjiru", ("receptionist", "Kibera"))

    response = await client.post(
        "/v1/shift-templates",
        json=template_body(clinic, receptionist, role="provider"),
        headers=network.as_("Admin"),
    )

    assert response.status_code == 422
    assert response.json()["type"].endswith("staff-not-qualified")


@pytest.mark.parametrize(
    "weekly",
    [
        pytest.param(
            [
                {"day": "mon", "starts": "20:00", "ends": "08:00"},
                {"day": "tue", "starts": "07:00", "ends": "12:00"},
            ],
            id="overlapping",
        ),
        pytest.param(
            [
                {
                    "day": "mon",
                    "starts": "08:00",
                    "ends": "12:00",
                    "breaks": [{"starts": "11:00", "ends": "13:00"}],
                }
            ],
            id="break outside the hours",
        ),
        pytest.param([], id="no hours"),
    ],
)
async def test_weekly_hours_that_cannot_be_worked_are_refused(
    client: httpx.AsyncClient,
    network: Network,
    template_body: TemplateBody,
    weekly: list[dict[str, Any]],
) -> None:
    clinic, doctor = await _setup(network)

    response = await client.post(
        "/v1/shift-templates",
        json=template_body(clinic, doctor, weekly=weekly),
        headers=network.as_("Admin"),
    )

    assert response.status_code == 422, response.text
    assert response.json()["errors"]


@pytest.mark.parametrize("person", ["Dr Otieno", "Other Admin", "A Patient"])
async def test_templates_are_for_this_clinics_admins(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody, person: str
) -> None:
    clinic, doctor = await _setup(network)
    await network.clinic("Mathare")
    await network.staff("Other Admin", ("clinic_admin", "Mathare"))

    response = await client.post(
        "/v1/shift-templates", json=template_body(clinic, doctor), headers=network.as_(person)
    )

    assert response.status_code == 403, person


async def test_a_template_at_an_unknown_clinic_is_404(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody
) -> None:
    clinic, doctor = await _setup(network)
    body = template_body(clinic, doctor)

    unknown = await client.post(
        "/v1/shift-templates",
        json={**body, "clinic_id": "00000000-0000-4000-8000-000000000000"},
        headers=network.org_admin(),
    )

    assert unknown.status_code == 404
