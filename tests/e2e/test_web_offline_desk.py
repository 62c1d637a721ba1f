"""The front desk with the network gone, in Chromium against a real stack: the demo
receptionist keeps the demo clinic on the device, goes offline, registers a new patient and books
three visits (for them and two known patients); after a reload with no network the day still
shows every provider on shift (the demo provider's column beside the test's) with the new visits
waiting to sync, and a visit booked online earlier is checked in; the queue is kept (five changes
waiting); meanwhile a patient online takes one of those times. Back online and synced: the
registration, two bookings and the check-in applied, one conflict in the clinic's inbox with free
times nearby, resolved by booking one. The server ends with exactly those visits, each confirmed
once by notify; axe on the sync page.

The visits go to a provider of their own (a one-off shift a few hours ahead, whatever the day),
an hour apart, so no other test's bookings and no patient notice period get in the way."""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Page, expect

from .conftest import (
    DESKTOP,
    NewPage,
    Stack,
    axe_check,
    demo_clinic,
    new_provider_on_shift,
    query,
    screenshot,
)

pytestmark = pytest.mark.timeout(600)

RECEPTION = "reception@demo.clinic"
CLINIC_ADMIN = "clinic.admin@demo.clinic"
CLINIC = "Kibera Health Centre"
TYPE = "General consultation"
ZONE = ZoneInfo("Africa/Nairobi")
TIMEOUT = 30_000  # ms: a loaded machine answers slowly
PASSWORD = "Offline-desk-e2e-1"
DEMO_PROVIDER = "Dr Peter Otieno"


async def _bearer(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    answer = await client.post("/v1/auth/token", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _patient(client: httpx.AsyncClient, name: str) -> tuple[str, str]:
    """A patient registered online (SMS consent); returns id and phone."""
    phone = f"+2547{secrets.randbelow(10**8):08d}"
    body = {
        "full_name": name,
        "phone": phone,
        "password": PASSWORD,
        "consent": {"sms": True, "whatsapp": False},
    }
    registered = await client.post("/v1/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    return str(registered.json()["id"]), phone


async def _demo_provider_on_shift(
    client: httpx.AsyncClient, admin: dict[str, str], clinic: str, start: datetime
) -> None:
    """The demo provider works on `start`'s day: his weekly hours give no shift on a weekend,
    nor today when the stack started after his day began; then a one-off one from `start`."""
    day = start.astimezone(ZONE).date().isoformat()
    roster = await client.get(
        "/v1/shifts/roster", params={"clinic_id": clinic, "date": day}, headers=admin
    )
    assert roster.status_code == 200, roster.text
    if any(s["staff_name"] == DEMO_PROVIDER for d in roster.json()["days"] for s in d["shifts"]):
        return
    found = await client.get(
        "/v1/users",
        params={"clinic_id": clinic, "role": "provider", "q": DEMO_PROVIDER},
        headers=admin,
    )
    assert found.status_code == 200, found.text
    staff = next(u["id"] for u in found.json()["items"] if u["full_name"] == DEMO_PROVIDER)
    shift = await client.post(
        "/v1/shifts",
        json={
            "clinic_id": clinic,
            "staff_id": staff,
            "role": "provider",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=4)).isoformat(),
        },
        headers=admin,
    )
    assert shift.status_code == 201, shift.text


async def _book(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    booked = await client.post("/v1/appointments", json=body, headers=headers)
    assert booked.status_code == 201, booked.text
    result: dict[str, Any] = booked.json()
    return result


async def _sign_in(page: Page, stack: Stack) -> None:
    await page.goto("/sign-in")
    await page.get_by_label("Phone number or e-mail").fill(RECEPTION)
    await page.get_by_label(re.compile("^Password")).fill(stack.demo_logins()[RECEPTION])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(re.compile(r"/desk"), timeout=TIMEOUT)


async def _controlled(page: Page) -> None:
    """The service worker controls the page: the app shell opens with no network."""
    deadline = time.monotonic() + 60
    while not await page.evaluate("navigator.serviceWorker.controller !== null"):
        assert time.monotonic() < deadline, "the service worker never took control"
        await asyncio.sleep(0.2)


def _label(at: datetime) -> re.Pattern[str]:
    """A time as the en-GB device writes it in the slot picker (e.g. 09:00)."""
    local = at.astimezone(ZONE)
    return re.compile(rf"^0?{local.hour}:{local.minute:02d}$")


async def _book_in_ui(page: Page, provider_name: str, at: datetime) -> None:
    """On the desk's booking form for the chosen patient: the type, provider, day and time."""
    await page.get_by_label(f"{TYPE} (20 min)").check()
    await page.get_by_label("Provider", exact=True).select_option(label=provider_name)
    await page.get_by_label("Day", exact=True).fill(at.astimezone(ZONE).date().isoformat())
    group = page.get_by_role("radiogroup", name="Choose a time")
    radio = group.get_by_role("radio", name=_label(at))
    await expect(radio).to_be_attached(timeout=TIMEOUT)
    radio_id = await radio.get_attribute("id")
    await page.locator(f'label[for="{radio_id}"]').click()
    await page.get_by_role("button", name=re.compile(r"^Book ")).click()
    await expect(page.get_by_role("status").filter(has_text="Booked:")).to_be_visible(
        timeout=TIMEOUT
    )


async def _book_for_known(page: Page, phone: str, name: str, provider: str, at: datetime) -> None:
    await page.get_by_role("button", name="Choose another patient").click()
    await page.get_by_label("Phone number or name").fill(phone)
    await page.get_by_role("button", name=f"Book for {name}").click()
    await _book_in_ui(page, provider, at)


async def _confirmations(stack: Stack, ids: list[str]) -> list[tuple[str, str]]:
    rows = await query(
        stack,
        "SELECT appointment_id::text AS id, status FROM notify.messages "
        "WHERE kind = 'confirmation' AND appointment_id = ANY($1::uuid[])",
        ids,
    )
    return [(row["id"], row["status"]) for row in rows]


async def test_the_desk_books_offline_and_resolves_a_conflict(
    stack: Stack, new_page: NewPage
) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as client:
        admin = await _bearer(client, CLINIC_ADMIN, stack.demo_logins()[CLINIC_ADMIN])
        clinic = await demo_clinic(client, admin)
        types = await client.get(
            "/v1/appointment-types", params={"clinic_id": clinic}, headers=admin
        )
        type_id = str(next(t["id"] for t in types.json()["items"] if t["name"] == TYPE))
        start = (datetime.now(UTC) + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
        provider, provider_name = await new_provider_on_shift(
            client, admin, clinic, type_id, start, label="Dr Offline"
        )
        await _demo_provider_on_shift(client, admin, clinic, start)
        times = [start, start + timedelta(hours=1), start + timedelta(hours=2)]

        # Two patients the clinic knows (a visit each, late in the shift) and one who books online.
        tag = secrets.token_hex(2)
        known = [await _patient(client, f"{n} Known-{tag}") for n in ("Zawadi", "Otieno")]
        known_names = [f"Zawadi Known-{tag}", f"Otieno Known-{tag}"]
        earlier = [
            await _book(
                client,
                admin,
                {
                    "clinic_id": clinic,
                    "type_id": type_id,
                    "provider_id": provider,
                    "patient_id": patient_id,
                    "starts_at": (start + timedelta(hours=3, minutes=30 * n)).isoformat(),
                },
            )
            for n, (patient_id, _) in enumerate(known)
        ]
        online_id, online_phone = await _patient(client, f"Online Patient-{tag}")

        # Offline mode on for the demo clinic, then the network goes.
        page = await new_page(DESKTOP, axe=True)
        await _sign_in(page, stack)
        await _controlled(page)
        switch = page.get_by_role("switch", name=f"Keep {CLINIC} available offline on this device")
        await switch.check()
        await expect(
            page.get_by_text(f"{CLINIC} is available offline on this device.")
        ).to_be_visible(timeout=60_000)
        await page.context.set_offline(True)
        header = page.get_by_role("banner")

        # A new patient registered and booked, then the two known patients.
        new_name = f"Baraka New-{tag}"
        await page.get_by_role("navigation").get_by_role("link", name="Patients").click()
        await page.get_by_role("button", name="Register a new patient").click()
        await page.get_by_label("Full name").fill(new_name)
        await page.get_by_label("Mobile phone").fill(f"+2547{secrets.randbelow(10**8):08d}")
        await page.get_by_label("Agrees to SMS messages").check()
        await page.get_by_role("button", name="Register patient").click()
        await expect(page.get_by_role("heading", name=f"Booking for {new_name}")).to_be_visible(
            timeout=TIMEOUT
        )
        await _book_in_ui(page, provider_name, times[0])
        await expect(header.get_by_role("button", name=re.compile("Offline · 2"))).to_be_visible()
        for (_, phone), name, at in zip(known, known_names, times[1:], strict=True):
            await _book_for_known(page, phone, name, provider_name, at)

        # The day view marks them; a reload with no network keeps the session and the queue.
        day = times[0].astimezone(ZONE).date().isoformat()
        await page.goto(f"/desk?date={day}")
        column = page.get_by_role("heading", level=2, name=provider_name)
        await expect(column).to_be_visible(timeout=TIMEOUT)
        waiting = page.get_by_role("button", name=re.compile("Waiting to sync"))
        await expect(waiting).to_have_count(
            sum(1 for at in times if at.astimezone(ZONE).date().isoformat() == day)
        )
        await screenshot(page, "desk-offline-day")
        await page.reload()

        # Started with no network, the day is read from the device: every provider on shift.
        await expect(column).to_be_visible(timeout=TIMEOUT)
        await expect(page.get_by_role("heading", level=2, name=DEMO_PROVIDER)).to_be_visible()
        await expect(waiting).to_have_count(
            sum(1 for at in times if at.astimezone(ZONE).date().isoformat() == day)
        )

        # A visit booked online before is checked in.
        seen = _utc(earlier[0]["starts_at"])
        await page.goto(f"/desk?date={seen.astimezone(ZONE).date().isoformat()}")
        visit = page.get_by_role(
            "button", name=re.compile(rf"^0?{seen.astimezone(ZONE):%-H:%M} · Booked")
        )
        await visit.filter(has_text=known_names[0]).click(timeout=TIMEOUT)
        drawer = page.get_by_role("dialog")
        await drawer.get_by_role("button", name="Check in", exact=True).click()
        await expect(drawer.get_by_text("Waiting to sync")).to_be_visible(timeout=TIMEOUT)
        await page.keyboard.press("Escape")
        await expect(
            page.get_by_role("button", name=re.compile("· Checked in · Waiting to sync"))
        ).to_have_count(1, timeout=TIMEOUT)

        await page.goto("/desk/sync")
        await expect(page.get_by_role("heading", level=1, name="Sync")).to_be_visible(
            timeout=TIMEOUT
        )
        changes = page.get_by_role("region", name="Changes on this device").get_by_role("listitem")
        await expect(changes.filter(has_text="Waiting to sync")).to_have_count(5, timeout=TIMEOUT)
        await expect(header.get_by_role("button", name=re.compile("Offline · 5"))).to_be_visible()

        # Meanwhile the online patient takes the third time.
        online = await _bearer(client, online_phone, PASSWORD)
        taken = await _book(
            client,
            online,
            {
                "clinic_id": clinic,
                "type_id": type_id,
                "provider_id": provider,
                "starts_at": times[2].isoformat(),
            },
        )

        # Back online: the queue goes up; two bookings and the registration apply, one clashes.
        await page.context.set_offline(False)
        sync_now = page.get_by_role("main").get_by_role("button", name="Sync now")
        await expect(sync_now).to_be_enabled(timeout=TIMEOUT)
        # Coming back online starts a sync of its own, which disables the button until it
        # ends: on a loaded machine that took over 30 s once, so the click waits as long as
        # the outcome below may.
        await sync_now.click(timeout=60_000)
        await expect(changes.filter(has_text="Done")).to_have_count(4, timeout=60_000)
        checked = changes.filter(has_text=f"Check in {known_names[0]}")
        await expect(checked.filter(has_text="Done")).to_have_count(1)
        await expect(changes.filter(has_text="Conflict")).to_have_count(1)
        await expect(changes.filter(has_text="Conflict")).to_contain_text(f"Book {known_names[1]}")
        inbox = page.get_by_role("region", name="Conflict inbox")
        card = inbox.get_by_role("listitem").filter(has_text=known_names[1])
        await expect(card).to_be_visible(timeout=TIMEOUT)
        alternatives = card.get_by_role("button", name=re.compile(r"^Book "))
        assert await alternatives.count() >= 1
        await axe_check(page, "the sync page with a conflict")
        await screenshot(page, "desk-sync-conflict")
        await alternatives.first.click()
        await expect(inbox.get_by_role("status")).to_contain_text(
            f"{known_names[1]} is booked for", timeout=TIMEOUT
        )
        await expect(inbox.get_by_text("No conflicts to resolve.")).to_be_visible(timeout=TIMEOUT)
        await screenshot(page, "desk-sync")
        await page.set_viewport_size({"width": 360, "height": 740})  # a phone at the desk
        await expect(header.get_by_role("button", name=re.compile("Sync status"))).to_be_visible()
        await axe_check(page, "the sync page on a phone")
        await screenshot(page, "desk-sync-phone")

        # The server holds exactly these visits of the provider, each confirmed once.
        listed = await client.get(
            "/v1/appointments",
            params={
                "clinic_id": clinic,
                "from": (start - timedelta(hours=1)).isoformat(),
                "to": (start + timedelta(hours=6)).isoformat(),
                "limit": 200,
            },
            headers=admin,
        )
        assert listed.status_code == 200, listed.text
        visits = [
            a
            for a in listed.json()["items"]
            if a["provider_id"] == provider and a["status"] != "cancelled"
        ]
        by_patient = {a["patient_id"]: a for a in visits}
        assert len(visits) == 6, visits
        new_patient = next(
            pid for pid in by_patient if pid not in {known[0][0], known[1][0], online_id}
        )
        assert _utc(by_patient[new_patient]["starts_at"]) == times[0]
        assert by_patient[online_id]["id"] == taken["id"]
        second_visits = [a for a in visits if a["patient_id"] == known[1][0]]
        resolved = next(a for a in second_visits if a["id"] != earlier[1]["id"])
        assert _utc(resolved["starts_at"]) != times[2]
        first_visits = [a for a in visits if a["patient_id"] == known[0][0]]
        assert sorted(_utc(a["starts_at"]) for a in first_visits) == sorted(
            [times[1], _utc(earlier[0]["starts_at"])]
        )
        made_here = [
            by_patient[new_patient]["id"],
            next(a["id"] for a in first_visits if a["id"] != earlier[0]["id"]),
            resolved["id"],
            taken["id"],
        ]
        checked_in = await client.get(f"/v1/appointments/{earlier[0]['id']}", headers=admin)
        assert checked_in.status_code == 200, checked_in.text
        assert checked_in.json()["status"] == "checked-in"
        deadline = time.monotonic() + 90
        while True:
            sent = await _confirmations(stack, made_here)
            if len(sent) >= len(made_here) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        assert sorted(row[0] for row in sent) == sorted(made_here), sent


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)
