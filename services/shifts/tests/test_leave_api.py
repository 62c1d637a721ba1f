"""Leave: requests in the clinic's days, decisions through the outbox, and who may do what."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from shifts.db import outbox
from sqlalchemy import select

PROBLEM = "application/problem+json"


async def _events(runtime, event_type: str) -> list[dict[str, Any]]:
    table = outbox.table
    query = select(table.c.envelope).where(table.c.event_type == event_type).order_by(table.c.id)
    async with runtime.sessions() as session:
        return [row["payload"] for row in await session.scalars(query)]


async def _request(
    client: httpx.AsyncClient, headers: dict[str, str], clinic, **body: Any
) -> httpx.Response:
    body = {"clinic_id": str(clinic), "kind": "annual", **body}
    return await client.post("/v1/leave", json=body, headers=headers)


async def _requested(client, headers, clinic, **body: Any) -> dict[str, Any]:
    response = await _request(client, headers, clinic, **body)
    assert response.status_code == 201, response.text
    return response.json()


def _days(first: str, last: str | None = None) -> dict[str, str]:
    return {"first_day": first, "last_day": last or first}


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.fixture
async def kibera(network) -> dict[str, Any]:
    """A Nairobi clinic (UTC+3) with a provider, a receptionist and an admin."""
    clinic = await network.clinic("Kibera", "Africa/Nairobi")
    await network.staff("Dr Otieno", ("provider", "Kibera"))
    await network.staff("Wanjiru", ("receptionist", "Kibera"))
    await network.staff("Admin", ("clinic_admin", "Kibera"))
    return {"clinic": clinic, "doctor": network.as_("Dr Otieno"), "admin": network.as_("Admin")}


async def test_leave_by_local_days_runs_midnight_to_midnight_in_the_clinics_zone(client, network):
    clinic = await network.clinic("Pune", "Asia/Kolkata")
    nurse = await network.staff("Asha", ("provider", "Pune"))

    response = await _request(
        client, network.as_("Asha"), clinic, **_days("2026-12-07", "2026-12-09"), reason="Wedding"
    )

    assert response.status_code == 201, response.text
    leave = response.json()
    assert response.headers["Location"] == f"/v1/leave/{leave['id']}"
    assert (leave["status"], leave["staff_id"], leave["requested_by"], leave["staff_name"]) == (
        "requested",
        str(nurse),
        str(nurse),
        "Asha",
    )
    assert (leave["starts_at"], leave["ends_at"]) == (
        "2026-12-07T00:00:00+05:30",
        "2026-12-10T00:00:00+05:30",
    )
    assert _at(leave["starts_at"]) == datetime(2026, 12, 6, 18, 30, tzinfo=UTC)
    assert _at(leave["ends_at"]) == datetime(2026, 12, 9, 18, 30, tzinfo=UTC)
    shown = await client.get(response.headers["Location"], headers=network.as_("Asha"))
    assert shown.status_code == 200, shown.text
    assert shown.json() | {"affected_shifts": None} == leave
    assert shown.json()["affected_shifts"] == []


async def test_instants_are_kept_and_shown_in_the_clinics_zone(client, network, kibera):
    leave = await _requested(
        client,
        kibera["doctor"],
        kibera["clinic"],
        kind="training",
        starts_at="2026-12-07T06:00:00Z",
        ends_at="2026-12-07T10:30:00Z",
    )

    assert (leave["kind"], leave["starts_at"], leave["ends_at"]) == (
        "training",
        "2026-12-07T09:00:00+03:00",
        "2026-12-07T13:30:00+03:00",
    )


async def test_approval_stages_the_event_and_lists_shifts_needing_cover(
    client, network, kibera, runtime
):
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
    leave = await _requested(client, kibera["doctor"], clinic, **_days("2026-12-08"))

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
    [event] = await _events(runtime, "LeaveApproved")
    assert {k: event[k] for k in ("leave_id", "staff_id", "clinic_id", "kind", "actor_id")} == {
        "leave_id": leave["id"],
        "staff_id": str(doctor_id),
        "clinic_id": str(clinic),
        "kind": "annual",
        "actor_id": str(network.people["Admin"]),
    }
    assert _at(event["starts_at"]) == datetime(2026, 12, 7, 21, tzinfo=UTC)
    assert _at(event["ends_at"]) == datetime(2026, 12, 8, 21, tzinfo=UTC)
    for day, on_leave in (("2026-12-08", True), ("2026-12-09", False)):
        roster = await client.get(
            "/v1/shifts/roster",
            params={"clinic_id": str(clinic), "date": day},
            headers=kibera["admin"],
        )
        assert roster.status_code == 200, roster.text
        [shown] = roster.json()["days"][0]["shifts"]
        assert shown["on_leave"] is on_leave


async def test_rejected_leave_frees_its_time_and_publishes_nothing(client, kibera, runtime):
    leave = await _requested(client, kibera["doctor"], kibera["clinic"], **_days("2026-12-14"))

    response = await client.post(
        f"/v1/leave/{leave['id']}/reject", json={"note": "Audit week"}, headers=kibera["admin"]
    )

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["decision_note"]) == (
        "rejected",
        "Audit week",
    )
    assert await _events(runtime, "LeaveApproved") == []
    await _requested(client, kibera["doctor"], kibera["clinic"], **_days("2026-12-14"))


async def test_cancelling_approved_leave_stages_leave_cancelled(client, network, kibera, runtime):
    leave = await _requested(client, kibera["doctor"], kibera["clinic"], **_days("2026-12-21"))
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
    [event] = await _events(runtime, "LeaveCancelled")
    assert (event["leave_id"], event["actor_id"]) == (leave["id"], str(network.people["Dr Otieno"]))
    assert _at(event["starts_at"]) == _at(leave["starts_at"])


async def test_cancelling_a_request_publishes_nothing(client, kibera, runtime):
    leave = await _requested(client, kibera["doctor"], kibera["clinic"], **_days("2026-12-21"))

    response = await client.post(
        f"/v1/leave/{leave['id']}/cancel", json={}, headers=kibera["doctor"]
    )

    assert response.json()["status"] == "cancelled"
    assert await _events(runtime, "LeaveCancelled") == []


async def test_started_leave_is_cancelled_only_by_an_admin_and_only_before_it_ends(client, kibera):
    now = datetime.now(UTC)
    running = {
        "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
    }
    over = {
        "starts_at": (now - timedelta(days=9)).isoformat(),
        "ends_at": (now - timedelta(days=8)).isoformat(),
    }
    ids = []
    for times in (running, over):
        leave = await _requested(client, kibera["doctor"], kibera["clinic"], kind="sick", **times)
        approval = await client.post(
            f"/v1/leave/{leave['id']}/approve", json={}, headers=kibera["admin"]
        )
        assert approval.status_code == 200, approval.text
        ids.append(leave["id"])

    by_staff = await client.post(f"/v1/leave/{ids[0]}/cancel", json={}, headers=kibera["doctor"])
    after_end = await client.post(f"/v1/leave/{ids[1]}/cancel", json={}, headers=kibera["admin"])
    by_admin = await client.post(f"/v1/leave/{ids[0]}/cancel", json={}, headers=kibera["admin"])

    for refused in (by_staff, after_end):
        assert refused.status_code == 409, refused.text
        assert refused.json()["type"] == "urn:clinic:problem:invalid-transition"
    assert by_admin.status_code == 200, by_admin.text
    assert by_admin.json()["status"] == "cancelled"


async def test_overlapping_leave_is_refused_naming_the_clash(client, network, kibera):
    first = await _requested(
        client, kibera["doctor"], kibera["clinic"], **_days("2026-12-07", "2026-12-11")
    )

    response = await _request(
        client,
        kibera["doctor"],
        kibera["clinic"],
        starts_at="2026-12-11T15:00:00+03:00",
        ends_at="2026-12-12T09:00:00+03:00",
    )

    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "urn:clinic:problem:leave-overlap"
    assert problem["clashing_leave"]["id"] == first["id"]
    assert problem["clashing_leave"]["starts_at"] == "2026-12-07T00:00:00+03:00"
    await _requested(client, network.as_("Wanjiru"), kibera["clinic"], **_days("2026-12-07"))
    cancel = await client.post(f"/v1/leave/{first['id']}/cancel", json={}, headers=kibera["doctor"])
    assert cancel.status_code == 200, cancel.text
    await _requested(client, kibera["doctor"], kibera["clinic"], **_days("2026-12-11"))


async def test_decisions_only_follow_a_request(client, kibera):
    approved = await _requested(client, kibera["doctor"], kibera["clinic"], **_days("2026-12-07"))
    rejected = await _requested(client, kibera["doctor"], kibera["clinic"], **_days("2026-12-08"))
    cancelled = await _requested(client, kibera["doctor"], kibera["clinic"], **_days("2026-12-09"))
    admin, doctor = kibera["admin"], kibera["doctor"]
    for leave, action, headers in (
        (approved, "approve", admin),
        (rejected, "reject", admin),
        (cancelled, "cancel", doctor),
    ):
        done = await client.post(f"/v1/leave/{leave['id']}/{action}", json={}, headers=headers)
        assert done.status_code == 200, done.text

    for leave, action, headers in (
        (approved, "approve", admin),
        (approved, "reject", admin),
        (rejected, "approve", admin),
        (rejected, "cancel", doctor),
        (rejected, "cancel", admin),
        (cancelled, "approve", admin),
        (cancelled, "cancel", admin),
    ):
        response = await client.post(f"/v1/leave/{leave['id']}/{action}", json={}, headers=headers)
        assert response.status_code == 409, (action, response.text)
        assert response.json()["type"] == "urn:clinic:problem:invalid-transition"


async def test_patients_get_403_everywhere(client, network, kibera):
    leave = await _requested(client, kibera["doctor"], kibera["clinic"], **_days("2026-12-07"))
    patient = network.as_("A Patient")

    responses = [
        await _request(client, patient, kibera["clinic"], **_days("2026-12-08")),
        await client.get("/v1/leave", headers=patient),
        await client.get(f"/v1/leave/{leave['id']}", headers=patient),
        await client.post(f"/v1/leave/{leave['id']}/approve", json={}, headers=patient),
        await client.post(f"/v1/leave/{leave['id']}/cancel", json={}, headers=patient),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert all(r.headers["content-type"] == PROBLEM for r in responses)


async def test_who_may_request_and_decide(client, network, kibera):
    await network.clinic("Mathare", "Africa/Nairobi")
    await network.staff("Dr Kamau", ("provider", "Mathare"))
    await network.staff("Mathare Admin", ("clinic_admin", "Mathare"))
    clinic, admin = kibera["clinic"], kibera["admin"]
    doctor_id = network.people["Dr Otieno"]
    leave = await _requested(client, kibera["doctor"], clinic, **_days("2026-12-07"))
    url = f"/v1/leave/{leave['id']}"

    other_clinic = await _request(client, network.as_("Dr Kamau"), clinic, **_days("2026-12-08"))
    for_colleague = await _request(
        client, network.as_("Wanjiru"), clinic, staff_id=str(doctor_id), **_days("2026-12-08")
    )
    for_outsider = await _request(
        client, admin, clinic, staff_id=str(network.people["Dr Kamau"]), **_days("2026-12-08")
    )
    own_approval = await client.post(f"{url}/approve", json={}, headers=kibera["doctor"])
    foreign_admin = await client.post(
        f"{url}/approve", json={}, headers=network.as_("Mathare Admin")
    )

    assert [r.status_code for r in (other_clinic, for_colleague, own_approval, foreign_admin)] == [
        403
    ] * 4
    assert for_outsider.status_code == 422, for_outsider.text
    assert for_outsider.json()["type"] == "urn:clinic:problem:staff-not-qualified"
    by_admin = await _requested(
        client, admin, clinic, staff_id=str(doctor_id), **_days("2026-12-08")
    )
    assert (by_admin["staff_id"], by_admin["requested_by"]) == (
        str(doctor_id),
        str(network.people["Admin"]),
    )


async def test_admins_do_not_decide_their_own_leave_unless_org_admins(client, network, kibera):
    leave = await _requested(client, kibera["admin"], kibera["clinic"], **_days("2026-12-07"))
    url = f"/v1/leave/{leave['id']}/approve"

    own = await client.post(url, json={}, headers=kibera["admin"])
    by_org_admin = await client.post(url, json={}, headers=network.org_admin())

    assert own.status_code == 403, own.text
    assert by_org_admin.status_code == 200, by_org_admin.text


async def test_staff_see_only_their_own_leave_and_admins_their_clinics(client, network, kibera):
    await network.clinic("Mathare", "Africa/Nairobi")
    await network.staff("Mathare Admin", ("clinic_admin", "Mathare"))
    mine = await _requested(client, kibera["doctor"], kibera["clinic"], **_days("2026-12-07"))
    theirs = await _requested(
        client, network.as_("Wanjiru"), kibera["clinic"], **_days("2026-12-14")
    )

    colleague = await client.get(f"/v1/leave/{theirs['id']}", headers=kibera["doctor"])
    foreign_admin = await client.get(
        f"/v1/leave/{mine['id']}", headers=network.as_("Mathare Admin")
    )
    missing = await client.get(
        f"/v1/leave/{'0' * 8}-0000-4000-8000-{'0' * 12}", headers=kibera["admin"]
    )

    assert (colleague.status_code, foreign_admin.status_code, missing.status_code) == (
        403,
        403,
        404,
    )

    async def ids(headers: dict[str, str], **params: str) -> list[str]:
        response = await client.get("/v1/leave", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids(kibera["doctor"]) == [mine["id"]]
    assert await ids(network.as_("Mathare Admin")) == []
    assert await ids(kibera["admin"]) == [mine["id"], theirs["id"]]
    assert await ids(network.org_admin()) == [mine["id"], theirs["id"]]
    assert await ids(kibera["admin"], staff_id=str(network.people["Wanjiru"])) == [theirs["id"]]
    window = {"from": "2026-12-10T00:00:00+03:00", "to": "2026-12-20T00:00:00+03:00"}
    assert await ids(kibera["admin"], **window) == [theirs["id"]]
    assert await ids(kibera["admin"], status="approved") == []
    assert await ids(kibera["doctor"], clinic_id=str(kibera["clinic"])) == [mine["id"]]

    async def status_of(headers: dict[str, str], **params: str) -> int:
        response = await client.get("/v1/leave", params=params, headers=headers)
        return response.status_code

    # Filters beyond the caller's scope are 403, not an empty page.
    wanjiru, kibera_id = str(network.people["Wanjiru"]), str(kibera["clinic"])
    assert await status_of(kibera["doctor"], staff_id=wanjiru) == 403  # a colleague's leave
    assert await status_of(network.as_("Mathare Admin"), clinic_id=kibera_id) == 403
    assert await status_of(network.as_("Mathare Admin"), staff_id=wanjiru) == 200  # none there
    assert await status_of(kibera["admin"], clinic_id=str(uuid.uuid4())) == 403  # unknown clinic


async def test_leave_lists_page_by_start(client, kibera):
    made = []
    for day in ("2026-12-10", "2026-12-07", "2026-12-08"):
        leave = await _requested(client, kibera["doctor"], kibera["clinic"], **_days(day))
        made.append(leave["id"])
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/leave", params=params, headers=kibera["admin"])
        assert response.status_code == 200, response.text
        seen += [item["id"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break

    assert seen == [made[1], made[2], made[0]]
    bad = await client.get("/v1/leave", params={"cursor": "bm9wZQ"}, headers=kibera["admin"])
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no range"),
        pytest.param(
            {
                "first_day": "2026-12-07",
                "last_day": "2026-12-08",
                "starts_at": "2026-12-07T08:00:00Z",
                "ends_at": "2026-12-07T09:00:00Z",
            },
            id="both forms",
        ),
        pytest.param({"first_day": "2026-12-07"}, id="half a range"),
        pytest.param({"first_day": "2026-12-08", "last_day": "2026-12-07"}, id="days reversed"),
        pytest.param({"first_day": "2026-12-01", "last_day": "2027-12-02"}, id="367 days"),
        pytest.param(
            {"starts_at": "2026-12-07T09:00:00Z", "ends_at": "2026-12-07T09:00:00Z"}, id="empty"
        ),
        pytest.param(
            {"starts_at": "2026-12-07T09:00:00", "ends_at": "2026-12-08T09:00:00"}, id="naive"
        ),
        pytest.param(
            {"starts_at": "2026-01-01T00:00:00Z", "ends_at": "2027-01-02T00:00:01Z"}, id="too long"
        ),
        pytest.param({**_days("2026-12-07"), "kind": "holiday"}, id="bad kind"),
        pytest.param({**_days("2026-12-07"), "reason": "x" * 501}, id="long reason"),
        pytest.param({**_days("2026-12-07"), "status": "approved"}, id="extra field"),
    ],
)
async def test_invalid_requests_are_422_problems(client, kibera, body):
    response = await _request(client, kibera["doctor"], kibera["clinic"], **body)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:clinic:problem:validation-error"


async def test_a_full_year_of_days_is_allowed(client, kibera):
    leave = await _requested(
        client, kibera["doctor"], kibera["clinic"], **_days("2027-01-01", "2027-12-31")
    )

    assert leave["ends_at"] == "2028-01-01T00:00:00+03:00"
