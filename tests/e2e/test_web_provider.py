"""The provider's and the clinic's screens in Chromium on a desktop (1280x800) and a tablet
(820x1180), through the gateway: the demo provider sees their shifts this week and next,
requests a day of leave next month and sees it pending, then approved once a clinic admin
approves it through the API; the provider's day shows a visit booked through the API with its
confirmation SMS (sent by notify's fake provider); a receptionist sees a waitlist entry made
through the API and removes it; axe on every page."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Page, expect
from servicekit.local import demo

from .conftest import DESKTOP, NewPage, Stack, axe_check, screenshot

pytestmark = pytest.mark.timeout(600)

TABLET: dict[str, Any] = {"viewport": {"width": 820, "height": 1180}, "has_touch": True}
CLINIC, ZONE = demo.CLINICS[0]
PROVIDER = "dr.otieno@demo.clinic"
CLINIC_ADMIN = "clinic.admin@demo.clinic"
RECEPTION = "reception@demo.clinic"
TYPE = "General consultation"
TIMEOUT = 20_000  # ms: a loaded CI machine answers slowly
DASH = "\N{EN DASH}"  # between two times, as the app writes a range


async def axe(page: Page, label: str) -> None:
    """No serious or critical axe violation on the whole page."""
    await axe_check(page, label)


async def sign_in_from(page: Page, path: str, username: str, password: str) -> None:
    """Open `path` signed out, sign in where the app sends us, and come back to it."""
    await page.goto(path)
    await expect(page).to_have_url(re.compile(r"/sign-in"), timeout=TIMEOUT)
    await page.get_by_label(re.compile("Phone number or e-mail")).fill(username)
    await page.get_by_label(re.compile("^Password")).fill(password)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page).not_to_have_url(re.compile(r"/sign-in"), timeout=TIMEOUT)
    await expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=TIMEOUT)


async def bearer(gateway: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    answer = await gateway.post("/v1/auth/token", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def me(gateway: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = await gateway.get("/v1/me", headers=headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def clinic_and_type(gateway: httpx.AsyncClient, headers: dict[str, str]) -> tuple[str, str]:
    clinics = (await gateway.get("/v1/clinics", params={"name": CLINIC}, headers=headers)).json()
    clinic = next(c["id"] for c in clinics["items"] if c["name"] == CLINIC)
    types = (await gateway.get("/v1/appointment-types", params={"clinic_id": clinic})).json()
    return clinic, next(t["id"] for t in types["items"] if t["name"] == TYPE)


async def demo_patient(gateway: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    found = await gateway.get(
        "/v1/users", params={"kind": "patient", "q": demo.PATIENT}, headers=headers
    )
    assert found.status_code == 200, found.text
    patient: dict[str, Any] = next(u for u in found.json()["items"] if u["phone"] == demo.PATIENT)
    return patient


def today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


def working_day(days_ahead: int) -> date:
    """A Monday-to-Friday clinic day at least `days_ahead` days from today (the demo shifts)."""
    day = today() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def a_weekday_next_month() -> date:
    first = (today().replace(day=1) + timedelta(days=32)).replace(day=1)
    day = first + timedelta(days=random.randrange(0, 25))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def short_day(day: date) -> str:
    """How the app writes a day on the tests' British English device (Intl "en-GB")."""
    return f"{day:%a} {day.day} {day:%b}"


async def test_the_provider_sees_shifts_and_requests_leave_that_gets_approved(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    logins = stack.demo_logins()
    page = await new_page(DESKTOP, axe=True)
    await sign_in_from(page, "/provider/shifts", PROVIDER, logins[PROVIDER])
    await expect(page.get_by_role("heading", name="My shifts", level=1)).to_be_visible()
    await expect(page.get_by_role("heading", name=re.compile("This week"))).to_be_visible()
    await expect(page.get_by_role("heading", name=re.compile("Next week"))).to_be_visible()
    monday = today() - timedelta(days=today().weekday())
    for day in (monday + timedelta(days=2), monday + timedelta(days=9)):  # Wednesdays
        card = page.locator(f'[data-testid="shift-day"][data-day="{day.isoformat()}"]')
        await expect(card).to_contain_text(f"8:00 {DASH} 17:00", timeout=TIMEOUT)
        await expect(card).to_contain_text(f"Break 13:00 {DASH} 14:00")
    sunday = page.locator(f'[data-day="{(monday + timedelta(days=13)).isoformat()}"]')
    await expect(sunday).to_contain_text("No shift")
    # Next week is whole; this week's shifts begin when the stack seeded them, so fewer hours
    # once a shift of it has started.
    totals = page.get_by_text(re.compile(r"^\d+(\.\d+)? hours of work$"))
    await expect(totals).to_have_count(2)
    await expect(totals.nth(1)).to_have_text("44 hours of work")
    await axe(page, "/provider/shifts")
    await screenshot(page, "provider-shifts")

    # A day of leave next month, asked for in the app.
    day = a_weekday_next_month()
    await page.get_by_role("link", name="Leave", exact=True).click()
    await expect(page.get_by_role("heading", name="Leave", level=1)).to_be_visible()
    await page.get_by_label("Kind of leave").select_option(label="Training")
    await page.get_by_label(re.compile("First day away")).fill(day.isoformat())
    await page.get_by_label(re.compile("Last day away")).fill(day.isoformat())
    await page.get_by_label(re.compile("Reason")).fill("Ultrasound course")
    await axe(page, "/provider/leave: the form")
    await page.get_by_role("button", name="Request leave").click()
    row = page.get_by_test_id("leave-row").filter(has_text=short_day(day))
    await expect(row).to_contain_text("Pending", timeout=TIMEOUT)
    await expect(row).to_contain_text("Training")
    await expect(row).to_contain_text("Ultrasound course")
    await expect(row.get_by_role("button", name=re.compile("Cancel request for"))).to_be_visible()
    await axe(page, "/provider/leave: pending")
    await screenshot(page, "provider-leave")

    # The clinic admin approves it through the API; a reload shows it.
    admin = await bearer(gateway, CLINIC_ADMIN, logins[CLINIC_ADMIN])
    provider_id = (await me(gateway, await bearer(gateway, PROVIDER, logins[PROVIDER])))["id"]
    listed = await gateway.get(
        "/v1/leave", params={"staff_id": provider_id, "status": "requested"}, headers=admin
    )
    assert listed.status_code == 200, listed.text
    [leave] = [
        item for item in listed.json()["items"] if item["starts_at"].startswith(day.isoformat())
    ]
    approved = await gateway.post(
        f"/v1/leave/{leave['id']}/approve", json={"note": "Enjoy the course"}, headers=admin
    )
    assert approved.status_code == 200, approved.text
    await page.reload()
    row = page.get_by_test_id("leave-row").filter(has_text=short_day(day))
    await expect(row).to_contain_text("Approved", timeout=TIMEOUT)
    await expect(row).to_contain_text("Decision: Enjoy the course")
    await axe(page, "/provider/leave: approved")

    # The same on a tablet, with the navigation by role.
    tablet = await new_page(TABLET, axe=True)
    await sign_in_from(tablet, "/provider/leave", PROVIDER, logins[PROVIDER])
    row = tablet.get_by_test_id("leave-row").filter(has_text=short_day(day))
    await expect(row).to_contain_text("Approved", timeout=TIMEOUT)
    await axe(tablet, "/provider/leave on a tablet")
    await tablet.goto("/provider/shifts")
    await expect(tablet.get_by_role("heading", name=re.compile("Next week"))).to_be_visible(
        timeout=TIMEOUT
    )
    await axe(tablet, "/provider/shifts on a tablet")
    assert await tablet.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


async def test_the_providers_day_shows_a_booked_visit_and_its_confirmation(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    logins = stack.demo_logins()
    desk = await bearer(gateway, RECEPTION, logins[RECEPTION])
    clinic, kind = await clinic_and_type(gateway, desk)
    provider_id = (await me(gateway, await bearer(gateway, PROVIDER, logins[PROVIDER])))["id"]
    patient = await demo_patient(gateway, desk)
    day = working_day(2)
    start = datetime.combine(day, datetime.min.time(), ZoneInfo(ZONE))
    slots = await gateway.get(
        "/v1/slots",
        params={
            "clinic_id": clinic,
            "type_id": kind,
            "provider_id": provider_id,
            "from": start.isoformat(),
            "to": (start + timedelta(days=1)).isoformat(),
        },
        headers=desk,
    )
    assert slots.status_code == 200, slots.text
    slot = slots.json()["items"][3]
    booked = await gateway.post(
        "/v1/appointments",
        json={
            "clinic_id": clinic,
            "type_id": kind,
            "provider_id": provider_id,
            "patient_id": patient["id"],
            "starts_at": slot["starts_at"],
            "walk_in": False,
        },
        headers=desk,
    )
    assert booked.status_code == 201, booked.text
    visit_time = datetime.fromisoformat(slot["starts_at"]).astimezone(ZoneInfo(ZONE))
    shown = visit_time.strftime("%-H:%M")  # en-GB: a 24-hour clock, "8:15"

    page = await new_page(DESKTOP, axe=True)
    await sign_in_from(page, f"/provider?day={day.isoformat()}", PROVIDER, logins[PROVIDER])
    await expect(page.get_by_role("heading", name="My day", level=1)).to_be_visible()
    await expect(page.get_by_role("heading", level=2)).to_contain_text(f"{day.day} {day:%B}")
    row = page.get_by_test_id("day-visit").filter(has_text=shown)
    await expect(row).to_contain_text(patient["full_name"], timeout=TIMEOUT)
    await expect(row).to_contain_text(TYPE)
    await expect(row).to_contain_text("Booked")
    await axe(page, "/provider: a day with a visit")
    await screenshot(page, "provider-day")

    await row.get_by_role("button", name=f"Messages to {patient['full_name']}").click()
    drawer = page.get_by_role("dialog")
    await expect(drawer.get_by_role("heading", name="Messages to the patient")).to_be_visible()
    confirmation = drawer.get_by_test_id("appointment-message").filter(has_text="Confirmation")
    # notify sends it through the stack's fake provider within seconds; the list looks again.
    await expect(confirmation).to_contain_text(re.compile("Sent|Delivered"), timeout=60_000)
    await expect(confirmation).to_contain_text("SMS")
    await axe(page, "/provider: the visit's messages")

    # Paging days keeps to the clinic's local days.
    await page.keyboard.press("Escape")
    await page.get_by_role("button", name="Next day").click()
    next_day = day + timedelta(days=1)
    await expect(page.get_by_role("heading", level=2)).to_contain_text(
        f"{next_day.day} {next_day:%B}"
    )
    assert f"day={next_day.isoformat()}" in page.url


async def test_a_receptionist_sees_the_waitlist_and_removes_an_entry(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    logins = stack.demo_logins()
    desk = await bearer(gateway, RECEPTION, logins[RECEPTION])
    clinic, kind = await clinic_and_type(gateway, desk)
    patient = await demo_patient(gateway, desk)
    first = working_day(7)
    earliest = datetime.combine(first, datetime.min.time(), ZoneInfo(ZONE)).replace(hour=8)
    joined = await gateway.post(
        "/v1/waitlist",
        json={
            "clinic_id": clinic,
            "type_id": kind,
            "patient_id": patient["id"],
            "earliest": earliest.isoformat(),
            "latest": (earliest + timedelta(days=3, hours=9)).isoformat(),
            "note": "Mornings only, please",
        },
        headers=desk,
    )
    assert joined.status_code == 201, joined.text

    page = await new_page(DESKTOP, axe=True)
    await sign_in_from(page, "/clinic/waitlist", RECEPTION, logins[RECEPTION])
    await expect(page.get_by_role("heading", name="Waitlist", level=1)).to_be_visible()
    entry = page.get_by_test_id("waitlist-entry").filter(has_text="Mornings only, please")
    await expect(entry).to_contain_text(patient["full_name"], timeout=TIMEOUT)
    await expect(entry).to_contain_text(TYPE)
    await expect(entry).to_contain_text("any provider")
    await expect(entry).to_contain_text("Waiting")
    await expect(entry).to_contain_text(f"{first:%a}, {first.day} {first:%b} {first.year}")
    await axe(page, "/clinic/waitlist")
    await screenshot(page, "clinic-waitlist")

    remove = f"Remove {patient['full_name']} from the waitlist"
    await entry.get_by_role("button", name=remove).click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text(f"no longer be offered free times for {TYPE}")
    await axe(page, "/clinic/waitlist: remove dialog")
    await dialog.get_by_role("button", name="Remove from the waitlist").click()
    await expect(dialog).to_be_hidden(timeout=TIMEOUT)
    await expect(entry).to_have_count(0, timeout=TIMEOUT)
    gone = await gateway.get(f"/v1/waitlist/{joined.json()['id']}", headers=desk)
    assert gone.json()["status"] == "cancelled"

    await page.get_by_label("Show").select_option(label="Removed")
    await expect(
        page.get_by_test_id("waitlist-entry").filter(has_text="Mornings only, please")
    ).to_contain_text("Removed", timeout=TIMEOUT)

    tablet = await new_page(TABLET, axe=True)
    await sign_in_from(tablet, "/clinic/waitlist?show=cancelled", RECEPTION, logins[RECEPTION])
    await expect(tablet.get_by_test_id("waitlist-entry").first).to_be_visible(timeout=TIMEOUT)
    await axe(tablet, "/clinic/waitlist on a tablet")
