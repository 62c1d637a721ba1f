"""One-off shifts, single-shift edits, cancellation, cover, and the day and week roster."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

LONDON = ZoneInfo("Europe/London")
MONDAY = date.today() + timedelta(days=7 - date.today().weekday() + 7)  # Monday after next


def at(day: date, hour: int, minute: int = 0) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).isoformat()


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
async def clinic(network):
    clinic_id = await network.clinic("Camden", "Europe/London")
    await network.clinic("Hackney", "Europe/London")
    await network.staff("Admin", ("clinic_admin", "Camden"))
    await network.staff("Dr Patel", ("provider", "Camden"))
    await network.staff("Dr Jones", ("provider", "Camden"), ("provider", "Hackney"))
    await network.staff("Reception", ("receptionist", "Camden"))
    await network.staff("Elsewhere", ("provider", "Hackney"))
    return clinic_id


async def one_off(client, network, staff="Dr Patel", day=MONDAY, start=8, end=17, **extra):
    body = {
        "clinic_id": str(network.clinics["Camden"]),
        "staff_id": str(network.people[staff]),
        "role": "provider",
        "starts_at": at(day, start),
        "ends_at": at(day, end),
        **extra,
    }
    return await client.post("/v1/shifts", json=body, headers=network.as_("Admin"))


async def test_a_one_off_shift_is_scheduled_and_published(client, network, clinic, staged):
    breaks = [{"starts_at": at(MONDAY, 12), "ends_at": at(MONDAY, 12, 30)}]

    response = await one_off(client, network, breaks=breaks, note="Flu clinic")

    assert response.status_code == 201, response.text
    shift = response.json()
    assert response.headers["Location"] == f"/v1/shifts/{shift['id']}"
    assert instant(shift["starts_at"]) == instant(at(MONDAY, 8))
    assert (shift["worked_hours"], shift["template_id"], shift["note"]) == (8.5, None, "Flu clinic")
    [event] = await staged("ShiftScheduled")
    assert event["shift_id"] == shift["id"]
    assert event["local_date"] == MONDAY.isoformat()
    assert event["starts_at"].endswith("Z")
    got = await client.get(f"/v1/shifts/{shift['id']}", headers=network.as_("Reception"))
    assert got.json() == shift


async def test_overlapping_one_off_shifts_are_refused(client, network, clinic):
    await one_off(client, network)

    response = await one_off(client, network, start=16, end=20)
    touching = await one_off(client, network, start=17, end=20)

    assert response.status_code == 409
    assert instant(response.json()["clashing_shift"]["starts_at"]) == instant(at(MONDAY, 8))
    assert touching.status_code == 201


async def test_concurrent_bookings_of_one_staff_member_yield_one_shift(client, network, clinic):
    attempts = [one_off(client, network, start=8 + n, end=14) for n in range(6)]  # all share 13-14

    responses = await asyncio.gather(*attempts)

    assert sorted(r.status_code for r in responses).count(201) == 1
    assert {r.status_code for r in responses} == {201, 409}


async def test_editing_one_shift_publishes_the_change(client, network, clinic, staged):
    shift = (await one_off(client, network)).json()

    response = await client.patch(
        f"/v1/shifts/{shift['id']}",
        json={"starts_at": at(MONDAY, 9), "breaks": []},
        headers=network.as_("Admin"),
    )

    assert response.status_code == 200, response.text
    assert instant(response.json()["starts_at"]) == instant(at(MONDAY, 9))
    assert response.json()["modified"] is True
    [event] = await staged("ShiftChanged")
    assert event["previous_starts_at"].endswith("Z")
    assert instant(event["previous_starts_at"]) == instant(at(MONDAY, 8))


async def test_an_edit_that_would_break_the_shift_is_refused(client, network, clinic):
    shift = (await one_off(client, network)).json()

    backwards = await client.patch(
        f"/v1/shifts/{shift['id']}", json={"ends_at": at(MONDAY, 7)}, headers=network.as_("Admin")
    )
    naive = await client.patch(
        f"/v1/shifts/{shift['id']}",
        json={"ends_at": "2030-01-01T10:00:00"},
        headers=network.as_("Admin"),
    )

    assert backwards.status_code == 422
    assert backwards.json()["type"].endswith("invalid-shift")
    assert naive.status_code == 422
    unchanged = await client.get(f"/v1/shifts/{shift['id']}", headers=network.as_("Admin"))
    assert instant(unchanged.json()["ends_at"]) == instant(at(MONDAY, 17))


async def test_cancelling_a_shift_frees_the_time(client, network, clinic, staged):
    shift = (await one_off(client, network)).json()

    response = await client.post(
        f"/v1/shifts/{shift['id']}/cancel",
        json={"note": "Training day"},
        headers=network.as_("Admin"),
    )
    again = await client.post(
        f"/v1/shifts/{shift['id']}/cancel", json={}, headers=network.as_("Admin")
    )
    replacement = await one_off(client, network, start=9)

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == (
        "cancelled",
        "cancelled",
    )
    assert again.status_code == 409
    assert replacement.status_code == 201
    [event] = await staged("ShiftCancelled")
    assert (event["shift_id"], event["reason"], event["note"]) == (
        shift["id"],
        "cancelled",
        "Training day",
    )


async def test_a_shift_can_be_given_to_a_qualified_colleague(client, network, clinic, staged):
    shift = (await one_off(client, network)).json()
    jones = str(network.people["Dr Jones"])

    response = await client.post(
        f"/v1/shifts/{shift['id']}/reassign", json={"staff_id": jones}, headers=network.as_("Admin")
    )

    assert response.status_code == 200, response.text
    assert (response.json()["staff_id"], response.json()["staff_name"]) == (jones, "Dr Jones")
    [event] = await staged("ShiftReassigned")
    assert (event["staff_id"], event["previous_staff_id"]) == (
        jones,
        str(network.people["Dr Patel"]),
    )


async def test_cover_must_be_qualified_and_free(client, network, clinic):
    shift = (await one_off(client, network)).json()
    busy = (await one_off(client, network, staff="Dr Jones", start=15, end=19)).json()
    admin = network.as_("Admin")

    receptionist = await client.post(
        f"/v1/shifts/{shift['id']}/reassign",
        json={"staff_id": str(network.people["Reception"])},
        headers=admin,
    )
    other_clinic = await client.post(
        f"/v1/shifts/{shift['id']}/reassign",
        json={"staff_id": str(network.people["Elsewhere"])},
        headers=admin,
    )
    clash = await client.post(
        f"/v1/shifts/{shift['id']}/reassign",
        json={"staff_id": str(network.people["Dr Jones"])},
        headers=admin,
    )

    assert receptionist.status_code == other_clinic.status_code == 422
    assert clash.status_code == 409
    assert clash.json()["clashing_shift"]["id"] == busy["id"]
    still = await client.get(f"/v1/shifts/{shift['id']}", headers=admin)
    assert still.json()["staff_id"] == str(network.people["Dr Patel"])


async def test_the_roster_shows_a_day_and_a_week_in_local_time(client, network, clinic):
    await one_off(client, network)
    await one_off(
        client, network, staff="Dr Jones", day=MONDAY + timedelta(days=2), start=20, end=23
    )
    await one_off(client, network, staff="Dr Jones", day=MONDAY + timedelta(days=7))

    day = await client.get(
        "/v1/shifts/roster",
        params={"clinic_id": str(clinic), "date": MONDAY.isoformat()},
        headers=network.as_("Reception"),
    )
    week = await client.get(
        "/v1/shifts/roster",
        params={
            "clinic_id": str(clinic),
            "date": (MONDAY + timedelta(days=3)).isoformat(),
            "view": "week",
        },
        headers=network.as_("Dr Patel"),
    )

    assert day.status_code == week.status_code == 200
    assert [d["date"] for d in day.json()["days"]] == [MONDAY.isoformat()]
    assert [s["staff_name"] for s in day.json()["days"][0]["shifts"]] == ["Dr Patel"]
    days = week.json()["days"]
    assert len(days) == 7
    assert days[0]["date"] == MONDAY.isoformat()
    assert [len(d["shifts"]) for d in days] == [1, 0, 1, 0, 0, 0, 0]
    assert instant(days[2]["shifts"][0]["starts_at"]) == instant(at(MONDAY + timedelta(days=2), 20))
    assert week.json()["time_zone"] == "Europe/London"


async def test_lists_filter_and_page(client, network, clinic):
    for n in range(5):
        await one_off(client, network, day=MONDAY + timedelta(days=n))
    await one_off(client, network, staff="Dr Jones")
    window = {"from": at(MONDAY, 0), "to": at(MONDAY + timedelta(days=7), 0)}

    first = await client.get(
        "/v1/shifts",
        params={**window, "limit": 2, "staff_id": str(network.people["Dr Patel"])},
        headers=network.as_("Admin"),
    )
    second = await client.get(
        "/v1/shifts",
        params={
            **window,
            "limit": 10,
            "staff_id": str(network.people["Dr Patel"]),
            "cursor": first.json()["next_cursor"],
        },
        headers=network.as_("Admin"),
    )
    elsewhere = await client.get("/v1/shifts", params=window, headers=network.as_("Elsewhere"))
    bad_cursor = await client.get(
        "/v1/shifts", params={"cursor": "nonsense"}, headers=network.as_("Admin")
    )
    backwards = await client.get(
        "/v1/shifts",
        params={"from": window["to"], "to": window["from"]},
        headers=network.as_("Admin"),
    )

    starts = [s["starts_at"] for s in first.json()["items"] + second.json()["items"]]
    assert starts == sorted(starts)
    assert len(starts) == 5
    assert second.json()["next_cursor"] is None
    assert elsewhere.json()["items"] == []  # Hackney staff do not see Camden's roster
    assert bad_cursor.status_code == backwards.status_code == 400


async def test_staff_see_but_only_admins_change(client, network, clinic):
    shift = (await one_off(client, network)).json()

    for person in ("Dr Patel", "Reception"):
        headers = network.as_(person)
        assert (await client.get(f"/v1/shifts/{shift['id']}", headers=headers)).status_code == 200
        cancel = await client.post(f"/v1/shifts/{shift['id']}/cancel", json={}, headers=headers)
        assert cancel.status_code == 403
    for person in ("Elsewhere", "A Patient"):
        response = await client.get(f"/v1/shifts/{shift['id']}", headers=network.as_(person))
        assert response.status_code == 403
    assert (await client.get(f"/v1/shifts/{shift['id']}")).status_code == 401


async def test_two_overlapping_shifts_swap_staff_in_one_step(client, network, clinic, staged):
    patel = (await one_off(client, network)).json()
    jones = (await one_off(client, network, staff="Dr Jones", start=9, end=13)).json()

    response = await client.post(
        f"/v1/shifts/{patel['id']}/swap",
        json={"shift_id": jones["id"]},
        headers=network.as_("Admin"),
    )

    assert response.status_code == 200, response.text
    first, second = response.json()
    assert (first["id"], first["staff_name"]) == (patel["id"], "Dr Jones")
    assert (second["id"], second["staff_name"]) == (jones["id"], "Dr Patel")
    events = {e["shift_id"]: e for e in await staged("ShiftReassigned")}
    assert events[patel["id"]]["previous_staff_id"] == patel["staff_id"]
    assert events[jones["id"]]["previous_staff_id"] == jones["staff_id"]


async def test_a_swap_that_would_double_book_someone_changes_nothing(client, network, clinic):
    patel = (await one_off(client, network)).json()
    jones = (
        await one_off(client, network, staff="Dr Jones", day=MONDAY + timedelta(days=1))
    ).json()
    busy = (await one_off(client, network, staff="Dr Jones", start=18, end=20)).json()
    long_day = {"ends_at": at(MONDAY, 19)}
    assert (
        await client.patch(f"/v1/shifts/{patel['id']}", json=long_day, headers=network.as_("Admin"))
    ).status_code == 200

    response = await client.post(
        f"/v1/shifts/{patel['id']}/swap",
        json={"shift_id": jones["id"]},
        headers=network.as_("Admin"),
    )
    receptionist = (
        await one_off(client, network, staff="Reception", start=20, end=22, role="receptionist")
    ).json()
    unqualified = await client.post(
        f"/v1/shifts/{patel['id']}/swap",
        json={"shift_id": receptionist["id"]},
        headers=network.as_("Admin"),
    )

    assert response.status_code == 409, response.text
    assert response.json()["clashing_shift"]["id"] == busy["id"]
    assert unqualified.status_code == 422
    after = await client.get(f"/v1/shifts/{patel['id']}", headers=network.as_("Admin"))
    assert after.json()["staff_id"] == patel["staff_id"]


async def test_a_retried_creation_with_its_idempotency_key_makes_one_shift(
    client, network, clinic, staged
):
    headers = {**network.as_("Admin"), "Idempotency-Key": "create-monday-shift"}
    body = {
        "clinic_id": str(network.clinics["Camden"]),
        "staff_id": str(network.people["Dr Patel"]),
        "starts_at": at(MONDAY, 8),
        "ends_at": at(MONDAY, 17),
    }

    first = await client.post("/v1/shifts", json=body, headers=headers)
    retry = await client.post("/v1/shifts", json=body, headers=headers)
    other = await client.post(
        "/v1/shifts", json={**body, "ends_at": at(MONDAY, 16)}, headers=headers
    )

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert len(await staged("ShiftScheduled")) == 1
