"""Closures cancel the shifts on their days, keep templates off them, and give them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest

from .conftest import Network, Staged, TemplateBody

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


async def _kibera(network: Network) -> UUID:
    clinic = await network.clinic("Kibera", "Africa/Nairobi")
    await network.staff("Admin", ("clinic_admin", "Kibera"))
    await network.staff("Dr Otieno", ("provider", "Kibera"))
    return clinic


# --- closing and reopening -------------------------------------------------------------------


@dataclass
class Week:
    """Kibera's week: Dr Otieno's weekday template, and Wanjiru's one-off shift on Tuesday."""

    clinic: UUID
    admin: dict[str, str]
    monday: date
    one_off_id: str

    @property
    def tuesday(self) -> date:
        return self.monday + timedelta(days=1)

    @property
    def wednesday(self) -> date:
        return self.monday + timedelta(days=2)


async def _week(client: httpx.AsyncClient, network: Network, template_body: TemplateBody) -> Week:
    clinic = await _kibera(network)
    admin = network.as_("Admin")
    otieno = network.people["Dr Otieno"]
    wanjiru = await network.staff("Wanjiru", ("receptionist", "Kibera"))
    monday = _monday_after_next()
    tuesday = monday + timedelta(days=1)
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
    return Week(clinic, admin, monday, response.json()["id"])


async def _close_tuesday_and_wednesday(client: httpx.AsyncClient, week: Week) -> dict[str, Any]:
    closure = _closure(week.tuesday, week.wednesday)
    response = await client.post(_path(week.clinic), json=closure, headers=week.admin)
    assert response.status_code == 201, response.text
    closed: dict[str, Any] = response.json()
    return closed


async def _kamaus_template(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody, week: Week
) -> UUID:
    """A template for Dr Kamau, added while the clinic is closed; his id."""
    kamau = await network.staff("Dr Kamau", ("provider", "Kibera"))
    response = await client.post(
        "/v1/shift-templates", json=template_body(week.clinic, kamau), headers=week.admin
    )
    assert response.status_code == 201, response.text
    return kamau


async def test_a_closure_cancels_the_shifts_on_its_days(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody, staged: Staged
) -> None:
    week = await _week(client, network, template_body)
    clinic, admin, tuesday, wednesday = week.clinic, week.admin, week.tuesday, week.wednesday
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
    cancelled = await staged("ShiftCancelled")
    assert {e["shift_id"] for e in cancelled} == {s["id"] for s in before}
    assert {e["reason"] for e in cancelled} == {"clinic_closed"}
    monday_and_thursday = await _shifts_on(
        client, admin, clinic, week.monday, week.monday + timedelta(3)
    )
    assert sum(s["status"] == "scheduled" for s in monday_and_thursday) == 2


async def test_a_template_added_while_the_clinic_is_closed_leaves_the_closed_days_alone(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody
) -> None:
    week = await _week(client, network, template_body)
    await _close_tuesday_and_wednesday(client, week)

    kamau = await _kamaus_template(client, network, template_body, week)

    on_closed_days = await _shifts_on(client, week.admin, week.clinic, week.tuesday, week.wednesday)
    assert str(kamau) not in {s["staff_id"] for s in on_closed_days}


async def test_reopening_brings_generated_shifts_back(
    client: httpx.AsyncClient, network: Network, template_body: TemplateBody, staged: Staged
) -> None:
    week = await _week(client, network, template_body)
    clinic, admin, tuesday, wednesday = week.clinic, week.admin, week.tuesday, week.wednesday
    closure = await _close_tuesday_and_wednesday(client, week)
    kamau = await _kamaus_template(client, network, template_body, week)
    scheduled_before = {e["shift_id"] for e in await staged("ShiftScheduled")}

    response = await client.delete(_path(clinic, closure["id"]), headers=admin)

    assert response.status_code == 204, response.text
    reopened = await _shifts_on(client, admin, clinic, tuesday, wednesday)
    scheduled = [s for s in reopened if s["status"] == "scheduled"]
    otieno = network.people["Dr Otieno"]
    assert sorted((s["staff_id"], s["local_date"]) for s in scheduled) == sorted(
        (str(staff), str(day)) for staff in (otieno, kamau) for day in (tuesday, wednesday)
    )
    assert all(s["template_id"] and s["worked_hours"] == 8.0 for s in scheduled)
    # A one-off shift has no template to bring it back: it stays cancelled.
    assert [(s["id"], s["status"]) for s in reopened if s["status"] != "scheduled"] == [
        (week.one_off_id, "cancelled")
    ]
    new_events = [
        e for e in await staged("ShiftScheduled") if e["shift_id"] not in scheduled_before
    ]
    assert {e["shift_id"] for e in new_events} == {s["id"] for s in scheduled}
    response = await client.get(_path(clinic), headers=admin)
    assert response.json()["items"] == []


# --- closures of one clinic never overlap ----------------------------------------------------


async def _monday_and_tuesday_closed(
    client: httpx.AsyncClient, network: Network
) -> tuple[UUID, dict[str, Any]]:
    """Kibera closed next Monday and Tuesday (by an organisation admin); the closure."""
    clinic = await _kibera(network)
    monday = _monday_after_next()
    response = await client.post(
        _path(clinic),
        json=_closure(monday, monday + timedelta(days=1)),
        headers=network.org_admin(),
    )
    assert response.status_code == 201, response.text
    return clinic, response.json()


async def test_a_closure_overlapping_another_of_the_clinic_is_refused(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic, first = await _monday_and_tuesday_closed(client, network)
    monday = _monday_after_next()

    response = await client.post(
        _path(clinic),
        json=_closure(monday + timedelta(days=1), monday + timedelta(days=3)),
        headers=network.org_admin(),
    )

    assert response.status_code == 409, response.text
    assert response.json()["type"] == "urn:clinic:problem:closure-overlap"
    assert response.json()["clashing_closure"]["id"] == first["id"]


async def test_a_closure_may_start_the_day_after_another_ends(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic, _ = await _monday_and_tuesday_closed(client, network)
    wednesday = _monday_after_next() + timedelta(days=2)
    next_day = _closure(wednesday, wednesday, name="Holiday")

    response = await client.post(_path(clinic), json=next_day, headers=network.org_admin())

    assert response.status_code == 201, response.text


async def test_another_clinic_may_close_on_the_same_days(
    client: httpx.AsyncClient, network: Network
) -> None:
    await _monday_and_tuesday_closed(client, network)
    other = await network.clinic("Mathare")
    monday = _monday_after_next()

    response = await client.post(
        _path(other), json=_closure(monday, monday + timedelta(days=1)), headers=network.org_admin()
    )

    assert response.status_code == 201, response.text


# --- lists -----------------------------------------------------------------------------------


async def _three_holidays(client: httpx.AsyncClient, network: Network) -> UUID:
    """Kibera's holidays Sooner (next Monday), Middle (a week on) and Later, made out of order."""
    clinic = await _kibera(network)
    monday = _monday_after_next()
    for offset, name in [(14, "Later"), (0, "Sooner"), (7, "Middle")]:
        day = monday + timedelta(days=offset)
        response = await client.post(
            _path(clinic),
            json=_closure(day, day, name=name, kind="public_holiday"),
            headers=network.as_("Admin"),
        )
        assert response.status_code == 201, response.text
    return clinic


async def test_staff_list_a_clinics_closures_earliest_first(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _three_holidays(client, network)

    response = await client.get(_path(clinic), headers=network.as_("Dr Otieno"))

    assert response.status_code == 200, response.text
    assert [c["name"] for c in response.json()["items"]] == ["Sooner", "Middle", "Later"]
    assert response.json()["items"][0]["kind"] == "public_holiday"


async def test_closures_are_listed_by_the_days_they_share_with_a_window(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _three_holidays(client, network)
    monday = _monday_after_next()
    window = {"from": str(monday + timedelta(days=1)), "to": str(monday + timedelta(days=10))}

    response = await client.get(_path(clinic), params=window, headers=network.as_("Admin"))

    assert [c["name"] for c in response.json()["items"]] == ["Middle"]


async def test_closures_come_page_by_page(client: httpx.AsyncClient, network: Network) -> None:
    clinic = await _three_holidays(client, network)
    admin = network.as_("Admin")

    response = await client.get(_path(clinic), params={"limit": "2"}, headers=admin)
    cursor = response.json()["next_cursor"]
    following = await client.get(_path(clinic), params={"cursor": cursor}, headers=admin)

    assert [c["name"] for c in response.json()["items"]] == ["Sooner", "Middle"]
    assert [c["name"] for c in following.json()["items"]] == ["Later"]
    assert following.json()["next_cursor"] is None


# --- who may close, reopen and see -----------------------------------------------------------


async def _closed_next_monday(client: httpx.AsyncClient, network: Network) -> tuple[UUID, str]:
    """Kibera closed next Monday by its admin, Mathare with its own admin; the closure's id."""
    clinic = await _kibera(network)
    await network.clinic("Mathare")
    await network.staff("Mathare Admin", ("clinic_admin", "Mathare"))
    day = _monday_after_next()
    response = await client.post(
        _path(clinic), json=_closure(day, day), headers=network.as_("Admin")
    )
    assert response.status_code == 201, response.text
    return clinic, response.json()["id"]


OUTSIDERS = ["A Patient", "Dr Otieno", "Mathare Admin"]


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_clinics_admins_close_it(
    client: httpx.AsyncClient, network: Network, who: str
) -> None:
    clinic, _ = await _closed_next_monday(client, network)
    later = _monday_after_next() + timedelta(days=7)

    response = await client.post(
        _path(clinic), json=_closure(later, later), headers=network.as_(who)
    )

    assert response.status_code == 403, (who, response.text)


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_clinics_admins_reopen_it(
    client: httpx.AsyncClient, network: Network, who: str
) -> None:
    clinic, closure_id = await _closed_next_monday(client, network)

    response = await client.delete(_path(clinic, closure_id), headers=network.as_(who))

    assert response.status_code == 403, (who, response.text)


@pytest.mark.parametrize("who", ["A Patient", "Mathare Admin"])
async def test_only_the_clinics_staff_see_its_closures(
    client: httpx.AsyncClient, network: Network, who: str
) -> None:
    clinic, _ = await _closed_next_monday(client, network)

    response = await client.get(_path(clinic), headers=network.as_(who))

    assert response.status_code == 403, (who, response.text)


async def test_the_clinics_staff_see_its_closures(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic, _ = await _closed_next_monday(client, network)

    response = await client.get(_path(clinic), headers=network.as_("Dr Otieno"))

    assert response.status_code == 200, response.text


async def test_closing_a_clinic_needs_a_token(client: httpx.AsyncClient, network: Network) -> None:
    clinic = await _kibera(network)
    day = _monday_after_next()

    response = await client.post(_path(clinic), json=_closure(day, day))

    assert response.status_code == 401, response.text


# --- what is not there -----------------------------------------------------------------------


async def test_an_unknown_clinic_is_not_closed(client: httpx.AsyncClient, network: Network) -> None:
    day = _monday_after_next()

    response = await client.post(
        _path(UUID(int=7)), json=_closure(day, day), headers=network.org_admin()
    )

    assert response.status_code == 404, response.text


async def test_an_unknown_closure_is_not_reopened(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _kibera(network)

    response = await client.delete(_path(clinic, UUID(int=7)), headers=network.org_admin())

    assert response.status_code == 404, response.text


async def test_a_closure_is_reopened_only_under_its_own_clinic(
    client: httpx.AsyncClient, network: Network
) -> None:
    _, closure_id = await _closed_next_monday(client, network)

    response = await client.delete(
        _path(network.clinics["Mathare"], closure_id), headers=network.org_admin()
    )

    assert response.status_code == 404, response.text


async def test_a_closure_is_reopened_once(client: httpx.AsyncClient, network: Network) -> None:
    clinic, closure_id = await _closed_next_monday(client, network)
    admin = network.org_admin()

    first = await client.delete(_path(clinic, closure_id), headers=admin)
    again = await client.delete(_path(clinic, closure_id), headers=admin)

    assert first.status_code == 204, first.text
    assert again.status_code == 404, again.text


# --- bodies ----------------------------------------------------------------------------------

DAY = _monday_after_next()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(_closure(DAY, DAY - timedelta(days=1)), id="ends before it starts"),
        pytest.param(_closure(DAY, DAY + timedelta(days=366)), id="367 days"),
        pytest.param(_closure(DAY, DAY, name=""), id="no name"),
        pytest.param(_closure(DAY, DAY, name="   "), id="blank name"),
        pytest.param(_closure(DAY, DAY, name="x" * 201), id="long name"),
        pytest.param(_closure(DAY, DAY, kind="strike"), id="unknown kind"),
        pytest.param(_closure(DAY, DAY, colour="red"), id="extra field"),
        pytest.param({"first_day": str(DAY), "name": "No end"}, id="no last day"),
        pytest.param(_closure(DAY, DAY, first_day="2026-02-30"), id="no such day"),
    ],
)
async def test_closure_bodies_are_validated(
    client: httpx.AsyncClient, network: Network, body: dict[str, Any]
) -> None:
    clinic = await _kibera(network)

    response = await client.post(_path(clinic), json=body, headers=network.as_("Admin"))

    assert response.status_code == 422, (body, response.text)
    assert response.json()["type"] == "urn:clinic:problem:validation-error"


async def test_the_longest_closure_with_the_longest_name_is_allowed(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _kibera(network)
    longest = _closure(DAY, DAY + timedelta(days=365), name="x" * 200)

    response = await client.post(_path(clinic), json=longest, headers=network.as_("Admin"))

    assert response.status_code == 201, response.text


async def test_a_cursor_the_list_did_not_make_is_a_bad_request(
    client: httpx.AsyncClient, network: Network
) -> None:
    clinic = await _kibera(network)

    response = await client.get(
        _path(clinic), params={"cursor": "bm9wZQ"}, headers=network.as_("Admin")
    )

    assert response.status_code == 400, response.text
