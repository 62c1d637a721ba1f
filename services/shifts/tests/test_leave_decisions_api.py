"""Leave decisions: who approves, rejects or cancels leave and when; what the outbox gets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from .conftest import Kibera, Network, Staged
from .leave_support import at, days, requested

# --- approval --------------------------------------------------------------------------------


async def _shifts_and_leave(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Dr Otieno's shifts on 8 and 9 December, and his leave asked for on the 8th."""
    clinic, doctor_id = kibera["clinic"], network.people["Dr Otieno"]
    shifts = []
    for day in ("2026-12-08", "2026-12-09"):
        body = {
            "clinic_id": str(clinic),
            "staff_id": str(doctor_id),
            "role": "provider",
            "starts_at": f"{day}T08:00:00+03:00",
            "ends_at": f"{day}T17:00:00+03:00",
        }
        created = await client.post("/v1/shifts", json=body, headers=kibera["admin"])
        assert created.status_code == 201, created.text
        shifts.append(created.json())
    leave = await requested(client, kibera["doctor"], clinic, **days("2026-12-08"))
    return shifts, leave


async def test_approval_stages_the_event_and_lists_shifts_needing_cover(
    client: httpx.AsyncClient, network: Network, kibera: Kibera, staged: Staged
) -> None:
    clinic, doctor_id = kibera["clinic"], network.people["Dr Otieno"]
    shifts, leave = await _shifts_and_leave(client, network, kibera)

    response = await client.post(
        f"/v1/leave/{leave['id']}/approve", json={"note": "Enjoy"}, headers=kibera["admin"]
    )

    assert response.status_code == 200, response.text
    approved = response.json()
    assert (approved["status"], approved["decided_by"], approved["decision_note"]) == (
        "approved",
        str(network.people["Admin"]),
        "Enjoy",
    )
    assert approved["decided_at"] is not None
    assert approved["affected_shifts"] == [
        {
            "id": shifts[0]["id"],
            "clinic_id": str(clinic),
            "starts_at": "2026-12-08T08:00:00+03:00",
            "ends_at": "2026-12-08T17:00:00+03:00",
        }
    ]
    [event] = await staged("LeaveApproved")
    assert {k: event[k] for k in ("leave_id", "staff_id", "clinic_id", "kind", "actor_id")} == {
        "leave_id": leave["id"],
        "staff_id": str(doctor_id),
        "clinic_id": str(clinic),
        "kind": "annual",
        "actor_id": str(network.people["Admin"]),
    }
    assert at(event["starts_at"]) == datetime(2026, 12, 7, 21, tzinfo=UTC)
    assert at(event["ends_at"]) == datetime(2026, 12, 8, 21, tzinfo=UTC)


@pytest.mark.parametrize(("day", "on_leave"), [("2026-12-08", True), ("2026-12-09", False)])
async def test_the_roster_shows_who_is_on_approved_leave(
    client: httpx.AsyncClient, network: Network, kibera: Kibera, day: str, on_leave: bool
) -> None:
    _, leave = await _shifts_and_leave(client, network, kibera)
    approval = await client.post(
        f"/v1/leave/{leave['id']}/approve", json={}, headers=kibera["admin"]
    )
    assert approval.status_code == 200, approval.text

    roster = await client.get(
        "/v1/shifts/roster",
        params={"clinic_id": str(kibera["clinic"]), "date": day},
        headers=kibera["admin"],
    )

    assert roster.status_code == 200, roster.text
    [shown] = roster.json()["days"][0]["shifts"]
    assert shown["on_leave"] is on_leave


async def test_rejected_leave_frees_its_time_and_publishes_nothing(
    client: httpx.AsyncClient, kibera: Kibera, staged: Staged
) -> None:
    leave = await requested(client, kibera["doctor"], kibera["clinic"], **days("2026-12-14"))

    response = await client.post(
        f"/v1/leave/{leave['id']}/reject", json={"note": "Audit week"}, headers=kibera["admin"]
    )

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["decision_note"]) == (
        "rejected",
        "Audit week",
    )
    assert await staged("LeaveApproved") == []
    await requested(client, kibera["doctor"], kibera["clinic"], **days("2026-12-14"))


# --- cancellation ----------------------------------------------------------------------------


async def test_cancelling_approved_leave_stages_leave_cancelled(
    client: httpx.AsyncClient, network: Network, kibera: Kibera, staged: Staged
) -> None:
    leave = await requested(client, kibera["doctor"], kibera["clinic"], **days("2026-12-21"))
    url = f"/v1/leave/{leave['id']}"
    approved = await client.post(f"{url}/approve", json={}, headers=kibera["admin"])
    assert approved.status_code == 200, approved.text

    response = await client.post(
        f"{url}/cancel", json={"note": "Plans changed"}, headers=kibera["doctor"]
    )

    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert (cancelled["cancelled_by"], cancelled["cancel_note"]) == (
        str(network.people["Dr Otieno"]),
        "Plans changed",
    )
    assert cancelled["decision_note"] == approved.json()["decision_note"]  # the decision stays
    [event] = await staged("LeaveCancelled")
    assert (event["leave_id"], event["actor_id"]) == (leave["id"], str(network.people["Dr Otieno"]))
    assert at(event["starts_at"]) == at(leave["starts_at"])


async def test_cancelling_a_request_publishes_nothing(
    client: httpx.AsyncClient, kibera: Kibera, staged: Staged
) -> None:
    leave = await requested(client, kibera["doctor"], kibera["clinic"], **days("2026-12-21"))

    response = await client.post(
        f"/v1/leave/{leave['id']}/cancel", json={}, headers=kibera["doctor"]
    )

    assert response.json()["status"] == "cancelled"
    assert await staged("LeaveCancelled") == []


async def _approved_sick_leave(
    client: httpx.AsyncClient, kibera: Kibera, *, starts: timedelta, ends: timedelta
) -> str:
    """Approved sick leave from `starts` to `ends` after now (negative: before); its id."""
    now = datetime.now(UTC)
    times = {"starts_at": (now + starts).isoformat(), "ends_at": (now + ends).isoformat()}
    leave = await requested(client, kibera["doctor"], kibera["clinic"], kind="sick", **times)
    approval = await client.post(
        f"/v1/leave/{leave['id']}/approve", json={}, headers=kibera["admin"]
    )
    assert approval.status_code == 200, approval.text
    return str(leave["id"])


async def test_staff_do_not_cancel_approved_leave_that_has_started(
    client: httpx.AsyncClient, kibera: Kibera
) -> None:
    running = await _approved_sick_leave(
        client, kibera, starts=timedelta(days=-1), ends=timedelta(days=1)
    )

    by_staff = await client.post(f"/v1/leave/{running}/cancel", json={}, headers=kibera["doctor"])

    assert by_staff.status_code == 409, by_staff.text
    assert by_staff.json()["type"] == "urn:clinic:problem:invalid-transition"


async def test_admins_do_not_cancel_leave_that_has_ended(
    client: httpx.AsyncClient, kibera: Kibera
) -> None:
    over = await _approved_sick_leave(
        client, kibera, starts=timedelta(days=-9), ends=timedelta(days=-8)
    )

    after_end = await client.post(f"/v1/leave/{over}/cancel", json={}, headers=kibera["admin"])

    assert after_end.status_code == 409, after_end.text
    assert after_end.json()["type"] == "urn:clinic:problem:invalid-transition"


async def test_admins_cancel_approved_leave_that_has_started(
    client: httpx.AsyncClient, kibera: Kibera
) -> None:
    running = await _approved_sick_leave(
        client, kibera, starts=timedelta(days=-1), ends=timedelta(days=1)
    )

    by_admin = await client.post(f"/v1/leave/{running}/cancel", json={}, headers=kibera["admin"])

    assert by_admin.status_code == 200, by_admin.text
    assert by_admin.json()["status"] == "cancelled"


# --- what follows what, and who decides ------------------------------------------------------

# How leave reaches each state: the action, and whether the admin (or the doctor) takes it.
REACHED_BY = {
    "approved": ("approve", True),
    "rejected": ("reject", True),
    "cancelled": ("cancel", False),
}


@pytest.mark.parametrize(
    ("state", "action", "by_admin"),
    [
        ("approved", "approve", True),
        ("approved", "reject", True),
        ("rejected", "approve", True),
        ("rejected", "cancel", False),
        ("rejected", "cancel", True),
        ("cancelled", "approve", True),
        ("cancelled", "cancel", True),
    ],
)
async def test_decisions_only_follow_a_request(
    client: httpx.AsyncClient, kibera: Kibera, state: str, action: str, by_admin: bool
) -> None:
    leave = await requested(client, kibera["doctor"], kibera["clinic"], **days("2026-12-07"))
    reached_by, reached_by_admin = REACHED_BY[state]
    done = await client.post(
        f"/v1/leave/{leave['id']}/{reached_by}",
        json={},
        headers=kibera["admin"] if reached_by_admin else kibera["doctor"],
    )
    assert done.status_code == 200, done.text

    response = await client.post(
        f"/v1/leave/{leave['id']}/{action}",
        json={},
        headers=kibera["admin"] if by_admin else kibera["doctor"],
    )

    assert response.status_code == 409, (action, response.text)
    assert response.json()["type"] == "urn:clinic:problem:invalid-transition"


async def test_staff_do_not_approve_their_own_leave(
    client: httpx.AsyncClient, kibera: Kibera
) -> None:
    leave = await requested(client, kibera["doctor"], kibera["clinic"], **days("2026-12-07"))

    own_approval = await client.post(
        f"/v1/leave/{leave['id']}/approve", json={}, headers=kibera["doctor"]
    )

    assert own_approval.status_code == 403


async def test_admins_of_another_clinic_do_not_decide_leave_here(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> None:
    await network.clinic("Mathare", "Africa/Nairobi")
    await network.staff("Mathare Admin", ("clinic_admin", "Mathare"))
    leave = await requested(client, kibera["doctor"], kibera["clinic"], **days("2026-12-07"))

    foreign_admin = await client.post(
        f"/v1/leave/{leave['id']}/approve", json={}, headers=network.as_("Mathare Admin")
    )

    assert foreign_admin.status_code == 403


async def test_admins_do_not_decide_their_own_leave(
    client: httpx.AsyncClient, kibera: Kibera
) -> None:
    leave = await requested(client, kibera["admin"], kibera["clinic"], **days("2026-12-07"))

    own = await client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=kibera["admin"])

    assert own.status_code == 403, own.text


async def test_organisation_admins_decide_a_clinic_admins_leave(
    client: httpx.AsyncClient, network: Network, kibera: Kibera
) -> None:
    leave = await requested(client, kibera["admin"], kibera["clinic"], **days("2026-12-07"))

    by_org_admin = await client.post(
        f"/v1/leave/{leave['id']}/approve", json={}, headers=network.org_admin()
    )

    assert by_org_admin.status_code == 200, by_org_admin.text
