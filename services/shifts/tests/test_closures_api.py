"""Closures cancel the shifts on their days, keep templates off them, and give them back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from shifts.db import outbox
from sqlalchemy import select

NAIROBI_OFFSET = "+03:00"


def _monday_after_next() -> date:
    """A Monday 7 to 13 days ahead in Nairobi: inside the horizon, clear of today."""
    today = (datetime.now(UTC) + timedelta(hours=3)).date()
    return today - timedelta(days=today.weekday()) + timedelta(days=14)


def _path(clinic: UUID, *rest: object) -> str:
    return "/".join([f"/v1/clinics/{clinic}/closures", *map(str, rest)])


def _closure(first: date, last: date, **overrides: Any) -> dict[str, Any]:
    return {
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "name": "Staff training",
        "kind": "closure",
        **overrides,
    }


async def _shifts_on(
    client: httpx.AsyncClient, headers: dict[str, str], clinic: UUID, first: date, last: date
) -> list[dict[str, Any]]:
    params = {
        "clinic_id": str(clinic),
        "from": f"{first}T00:00:00{NAIROBI_OFFSET}",
        "to": f"{last + timedelta(days=1)}T00:00:00{NAIROBI_OFFSET}",
        "limit": "200",
    }
    response = await client.get("/v1/shifts", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _events(runtime, event_type: str) -> list[dict[str, Any]]:
    table = outbox.table
    query = select(table.c.envelope).where(table.c.event_type == event_type).order_by(table.c.id)
    async with runtime.sessions() as session:
        return [row["payload"] for row in await session.scalars(query)]


async def _kibera(network) -> UUID:
    clinic = await network.clinic("Kibera", "Africa/Nairobi")
    await network.staff("Admin", ("clinic_admin", "Kibera"))
    await network.staff("Dr Otieno", ("provider", "Kibera"))
    return clinic


async def test_a_closure_cancels_its_days_and_reopening_brings_generated_shifts_back(
    client, network, runtime, template_body
):
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    otieno = network.people["Dr Otieno"]
    wanjiru = await network.staff("Wanjiru", ("receptionist", "Kibera"))
    monday = _monday_after_next()
    tuesday, wednesday = monday + timedelta(days=1), monday + timedelta(days=2)
    response = await client.post(
        "/v1/shift-templates", json=template_body(clinic, otieno), headers=admin
    )
    assert response.status_code == 201, response.text
    one_off = {
        "clinic_id": str(clinic),
        "staff_id": str(wanjiru),
        "role": "receptionist",
        "starts_at": f"{tuesday}T09:00:00{NAIROBI_OFFSET}",
        "ends_at": f"{tuesday}T13:00:00{NAIROBI_OFFSET}",
    }
    response = await client.post("/v1/shifts", json=one_off, headers=admin)
    assert response.status_code == 201, response.text
    one_off_id = response.json()["id"]
    before = await _shifts_on(client, admin, clinic, tuesday, wednesday)
    assert len(before) == 3

    response = await client.post(_path(clinic), json=_closure(tuesday, wednesday), headers=admin)

    assert response.status_code == 201, response.text
    closure = response.json()
    assert closure["cancelled_shifts"] == 3
    assert (closure["first_day"], closure["last_day"]) == (str(tuesday), str(wednesday))
    assert response.headers["Location"] == _path(clinic, closure["id"])
    closed = await _shifts_on(client, admin, clinic, tuesday, wednesday)
    assert {(s["status"], s["cancel_reason"]) for s in closed} == {("cancelled", "clinic_closed")}
    cancelled = await _events(runtime, "ShiftCancelled")
    assert {e["shift_id"] for e in cancelled} == {s["id"] for s in before}
    assert {e["reason"] for e in cancelled} == {"clinic_closed"}
    monday_and_thursday = await _shifts_on(client, admin, clinic, monday, monday + timedelta(3))
    assert sum(s["status"] == "scheduled" for s in monday_and_thursday) == 2

    # A template added while the clinic is closed leaves the closed days alone.
    kamau = await network.staff("Dr Kamau", ("provider", "Kibera"))
    response = await client.post(
        "/v1/shift-templates", json=template_body(clinic, kamau), headers=admin
    )
    assert response.status_code == 201, response.text
    on_closed_days = await _shifts_on(client, admin, clinic, tuesday, wednesday)
    assert str(kamau) not in {s["staff_id"] for s in on_closed_days}
    scheduled_before = {e["shift_id"] for e in await _events(runtime, "ShiftScheduled")}

    response = await client.delete(_path(clinic, closure["id"]), headers=admin)

    assert response.status_code == 204, response.text
    reopened = await _shifts_on(client, admin, clinic, tuesday, wednesday)
    scheduled = [s for s in reopened if s["status"] == "scheduled"]
    assert sorted((s["staff_id"], s["local_date"]) for s in scheduled) == sorted(
        (str(staff), str(day)) for staff in (otieno, kamau) for day in (tuesday, wednesday)
    )
    assert all(s["template_id"] and s["worked_hours"] == 8.0 for s in scheduled)
    # A one-off shift has no template to bring it back: it stays cancelled.
    assert [(s["id"], s["status"]) for s in reopened if s["status"] != "scheduled"] == [
        (one_off_id, "cancelled")
    ]
    new_events = [
        e for e in await _events(runtime, "ShiftScheduled") if e["shift_id"] not in scheduled_before
    ]
    assert {e["shift_id"] for e in new_events} == {s["id"] for s in scheduled}
    response = await client.get(_path(clinic), headers=admin)
    assert response.json()["items"] == []


async def test_closures_of_a_clinic_never_overlap(client, network):
    clinic = await _kibera(network)
    other = await network.clinic("Mathare")
    admin = network.org_admin()
    monday = _monday_after_next()
    response = await client.post(
        _path(clinic), json=_closure(monday, monday + timedelta(days=1)), headers=admin
    )
    assert response.status_code == 201, response.text
    first = response.json()

    response = await client.post(
        _path(clinic),
        json=_closure(monday + timedelta(days=1), monday + timedelta(days=3)),
        headers=admin,
    )

    assert response.status_code == 409, response.text
    assert response.json()["type"] == "urn:clinic:problem:closure-overlap"
    assert response.json()["clashing_closure"]["id"] == first["id"]
    next_day = _closure(monday + timedelta(days=2), monday + timedelta(days=2), name="Holiday")
    response = await client.post(_path(clinic), json=next_day, headers=admin)
    assert response.status_code == 201, response.text
    response = await client.post(
        _path(other), json=_closure(monday, monday + timedelta(days=1)), headers=admin
    )
    assert response.status_code == 201, response.text


async def test_staff_list_a_clinics_closures_earliest_first(client, network):
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    monday = _monday_after_next()
    for offset, name in [(14, "Later"), (0, "Sooner"), (7, "Middle")]:
        day = monday + timedelta(days=offset)
        response = await client.post(
            _path(clinic),
            json=_closure(day, day, name=name, kind="public_holiday"),
            headers=admin,
        )
        assert response.status_code == 201, response.text

    response = await client.get(_path(clinic), headers=network.as_("Dr Otieno"))

    assert response.status_code == 200, response.text
    assert [c["name"] for c in response.json()["items"]] == ["Sooner", "Middle", "Later"]
    assert response.json()["items"][0]["kind"] == "public_holiday"
    window = {"from": str(monday + timedelta(days=1)), "to": str(monday + timedelta(days=10))}
    response = await client.get(_path(clinic), params=window, headers=admin)
    assert [c["name"] for c in response.json()["items"]] == ["Middle"]
    response = await client.get(_path(clinic), params={"limit": "2"}, headers=admin)
    assert [c["name"] for c in response.json()["items"]] == ["Sooner", "Middle"]
    cursor = response.json()["next_cursor"]
    response = await client.get(_path(clinic), params={"cursor": cursor}, headers=admin)
    assert [c["name"] for c in response.json()["items"]] == ["Later"]
    assert response.json()["next_cursor"] is None


async def test_only_the_clinics_admins_close_and_reopen_it(client, network):
    clinic = await _kibera(network)
    await network.clinic("Mathare")
    await network.staff("Mathare Admin", ("clinic_admin", "Mathare"))
    day = _monday_after_next()
    body = _closure(day, day)
    response = await client.post(_path(clinic), json=body, headers=network.as_("Admin"))
    assert response.status_code == 201, response.text
    closure_id = response.json()["id"]

    for who in ("A Patient", "Dr Otieno", "Mathare Admin"):
        headers = network.as_(who)
        later = _closure(day + timedelta(days=7), day + timedelta(days=7))
        response = await client.post(_path(clinic), json=later, headers=headers)
        assert response.status_code == 403, (who, response.text)
        response = await client.delete(_path(clinic, closure_id), headers=headers)
        assert response.status_code == 403, (who, response.text)
    for who in ("A Patient", "Mathare Admin"):
        response = await client.get(_path(clinic), headers=network.as_(who))
        assert response.status_code == 403, (who, response.text)
    response = await client.get(_path(clinic), headers=network.as_("Dr Otieno"))
    assert response.status_code == 200, response.text
    response = await client.post(_path(clinic), json=body)
    assert response.status_code == 401, response.text


async def test_unknown_clinics_and_closures_are_404(client, network):
    clinic = await _kibera(network)
    mathare = await network.clinic("Mathare")
    admin = network.org_admin()
    day = _monday_after_next()
    response = await client.post(_path(clinic), json=_closure(day, day), headers=admin)
    closure_id = response.json()["id"]

    unknown = UUID(int=7)
    response = await client.post(_path(unknown), json=_closure(day, day), headers=admin)
    assert response.status_code == 404, response.text
    response = await client.delete(_path(clinic, unknown), headers=admin)
    assert response.status_code == 404, response.text
    response = await client.delete(_path(mathare, closure_id), headers=admin)
    assert response.status_code == 404, response.text
    response = await client.delete(_path(clinic, closure_id), headers=admin)
    assert response.status_code == 204, response.text
    response = await client.delete(_path(clinic, closure_id), headers=admin)
    assert response.status_code == 404, response.text


async def test_closure_bodies_are_validated(client, network):
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    day = _monday_after_next()
    invalid = [
        _closure(day, day - timedelta(days=1)),
        _closure(day, day + timedelta(days=366)),
        _closure(day, day, name=""),
        _closure(day, day, name="   "),
        _closure(day, day, name="x" * 201),
        _closure(day, day, kind="strike"),
        _closure(day, day, colour="red"),
        {"first_day": str(day), "name": "No end"},
        _closure(day, day, first_day="2026-02-30"),
    ]
    for body in invalid:
        response = await client.post(_path(clinic), json=body, headers=admin)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["type"] == "urn:clinic:problem:validation-error"

    longest = _closure(day, day + timedelta(days=365), name="x" * 200)
    response = await client.post(_path(clinic), json=longest, headers=admin)
    assert response.status_code == 201, response.text
    response = await client.get(_path(clinic), params={"cursor": "bm9wZQ"}, headers=admin)
    assert response.status_code == 400, response.text
