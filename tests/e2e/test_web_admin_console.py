"""The admin console in Chromium against a real stack: the organisation admin creates a clinic
in Africa/Nairobi (hours every day; a closure added and removed), then a provider for it on
the people page, an appointment type on the booking set-up page and the provider's weekly
hours (Monday to Friday, 08:00-12:00, typed from the keyboard) on the weekly-hours page; and a
patient, in a phone-sized browser of their own, is offered that clinic's times on /book. axe
on each console page; the console on a phone does not overflow."""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Page, expect

from .conftest import DESKTOP, PHONE, NewPage, Stack, axe_check, screenshot
from .test_web_patient import register, sign_in_from

pytestmark = pytest.mark.timeout(600)

ADMIN = "admin@demo.clinic"
ZONE = "Africa/Nairobi"
TIMEOUT = 30_000  # ms
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WORKDAYS = DAYS[:5]
TYPE = "General consultation"
DASH = "\N{EN DASH}"  # between two times, as the app writes a range


async def _admin_api(client: httpx.AsyncClient, stack: Stack) -> dict[str, str]:
    password = stack.demo_logins()[ADMIN]
    answer = await client.post("/v1/auth/token", json={"username": ADMIN, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _sign_in(page: Page, stack: Stack) -> None:
    await page.goto("/sign-in")
    await page.get_by_label("Phone number or e-mail").fill(ADMIN)
    await page.get_by_label(re.compile("^Password")).fill(stack.demo_logins()[ADMIN])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).not_to_have_url(re.compile(r"/sign-in"), timeout=TIMEOUT)


async def _create_clinic(page: Page, name: str) -> None:
    await page.goto("/admin/clinics")
    await page.get_by_role("button", name="New clinic").click()
    form = page.get_by_role("form", name="New clinic")
    await form.get_by_label("Clinic name").fill(name)
    await form.get_by_label("Time zone").fill("Nairobi")
    await page.get_by_role("option", name=ZONE).click()
    await form.get_by_label("Address").fill("Ngong Road, Nairobi")
    for day in DAYS:  # 08:00-17:00 each day: whatever today is, tomorrow is open
        await form.get_by_role("button", name=f"Add hours on {day}").click()
    await axe_check(page, "/admin/clinics: new clinic")
    await form.get_by_role("button", name="Create clinic").click()
    settings = page.get_by_role("form", name=f"Settings of {name}")
    await expect(settings).to_be_visible(timeout=TIMEOUT)
    await expect(settings.get_by_label("Time zone")).to_have_value(ZONE)
    await expect(settings.get_by_label("Sunday closes at")).to_have_value("17:00")
    # A closure on a day far ahead (no shifts yet to cancel), then removed again.
    closure_day = (datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=60)).isoformat()
    added = page.get_by_role("form", name="Add a closure or holiday")
    await added.get_by_label("Name").fill("Staff training")
    await added.get_by_label("Kind").select_option(label="Closure")
    await added.get_by_label("First day").fill(closure_day)
    await added.get_by_role("button", name="Add closure").click()
    notice = page.get_by_role("status").filter(has_text="Staff training")
    await expect(notice).to_have_text(
        re.compile(r"Staff training added; 0 shifts"), timeout=TIMEOUT
    )
    await axe_check(page, "/admin/clinics: settings")
    await screenshot(page, "admin-clinic")
    await page.get_by_role("button", name="Remove Staff training").click()
    await expect(notice).to_have_text(re.compile("Staff training removed"), timeout=TIMEOUT)


async def _create_provider(page: Page, name: str, email: str, clinic_name: str) -> None:
    await page.goto("/admin/people")
    await page.get_by_role("button", name="New staff account").click()
    form = page.get_by_role("region", name="New staff account")
    await form.get_by_label("Full name").fill(name)
    await form.get_by_label("E-mail").fill(email)
    await form.get_by_label(re.compile("^First password")).fill(
        f"jua kali {secrets.token_hex(6)} sunrise"
    )
    await form.get_by_label("Role").select_option(label="Provider")
    await form.get_by_label(re.compile("^Clinic")).select_option(label=clinic_name)
    await form.get_by_label(re.compile("^Specialty")).fill("general practice")
    await axe_check(page, "/admin/people: new staff account")
    await form.get_by_role("button", name="Create account").click()
    await expect(page.get_by_text(f"Account created for {name}.")).to_be_visible(timeout=TIMEOUT)
    card = page.get_by_role("listitem", name=name)
    await page.get_by_label("Find by name, phone or e-mail").fill(email)
    await expect(card).to_contain_text(
        f"Provider · {clinic_name} · general practice", timeout=TIMEOUT
    )
    await axe_check(page, "/admin/people: staff found")
    await screenshot(page, "admin-people")


async def _create_type(page: Page, clinic_name: str) -> None:
    await page.goto("/admin/booking-setup")
    await page.get_by_label("Clinic", exact=True).select_option(label=clinic_name)
    types = page.get_by_role("region", name="Appointment types")
    await expect(types.get_by_text("This clinic has no appointment types yet.")).to_be_visible(
        timeout=TIMEOUT
    )
    await types.get_by_role("button", name="New appointment type").click()
    dialog = page.get_by_role("dialog", name="New appointment type")
    await dialog.get_by_label(re.compile("^Name")).fill(TYPE)
    await expect(dialog.get_by_label(re.compile(r"^Length \(minutes\)"))).to_have_value("20")
    await expect(dialog.get_by_label("Patients can book it online")).to_be_checked()
    await axe_check(page, "/admin/booking-setup: new appointment type")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden(timeout=TIMEOUT)
    row = types.get_by_role("row").filter(has_text=TYPE)
    await expect(row).to_contain_text("20 min, buffers 0 + 0 min, every 15 min", timeout=TIMEOUT)
    await expect(row).to_contain_text("Online booking")
    await axe_check(page, "/admin/booking-setup: the type created")


async def _write_weekly_hours(page: Page, clinic_name: str, provider_name: str) -> None:
    await page.goto("/admin/shift-templates")
    await expect(page.get_by_role("heading", name="Weekly hours", level=1)).to_be_visible(
        timeout=TIMEOUT
    )
    await page.get_by_label("Clinic", exact=True).select_option(label=clinic_name)
    await page.get_by_label("Staff member").select_option(label=provider_name)
    await expect(page.get_by_text("No weekly hours yet.")).to_be_visible(timeout=TIMEOUT)
    await page.get_by_role("button", name="New weekly hours").click()
    for day in WORKDAYS:  # the keyboard path: each day's button, then its two time fields
        fieldset = page.get_by_role("group", name=day, exact=True)
        await fieldset.get_by_role("button", name=f"Add hours on {day}").focus()
        await page.keyboard.press("Enter")
        hours = fieldset.get_by_role("group", name=f"{day}, hours 1", exact=True)
        await expect(hours.get_by_label("Starts")).to_be_focused()
        await hours.get_by_label("Starts").fill("08:00")
        await hours.get_by_label("Ends").fill("12:00")
    await expect(page.get_by_test_id("week-grid-range")).to_have_count(len(WORKDAYS))
    await axe_check(page, "/admin/shift-templates: the editor")
    await screenshot(page, "admin-shift-template")
    week = " · ".join(f"{day[:3]} 08:00{DASH}12:00" for day in WORKDAYS)
    card = page.get_by_test_id("template-card")
    # Shifts learns of the new provider from identity's events: until then it refuses the
    # template (the provider "does not hold the role"), and the admin saves again.
    deadline = time.monotonic() + 60
    while True:
        await page.get_by_role("button", name="Save weekly hours").click()
        refused = page.get_by_role("alert").filter(has_text="does not hold the provider role")
        await expect(card.or_(refused).first).to_be_visible(timeout=TIMEOUT)
        if await card.count():
            break
        assert time.monotonic() < deadline, "shifts never learnt of the new provider"
        await asyncio.sleep(0.5)
    await expect(card).to_contain_text(week)
    await axe_check(page, "/admin/shift-templates: the template saved")


async def _until(
    call: Callable[[], Awaitable[httpx.Response]],
    accept: Callable[[httpx.Response], bool],
    what: str,
    within: float = 60,
) -> httpx.Response:
    """Retry `call` until `accept(answer)`: shifts and booking learn of new staff by events."""
    deadline = time.monotonic() + within
    while True:
        answer = await call()
        if accept(answer):
            return answer
        assert time.monotonic() < deadline, f"{what}: {answer.status_code} {answer.text}"
        await asyncio.sleep(0.5)


async def test_an_org_admin_opens_a_clinic_that_patients_can_book(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    suffix = secrets.token_hex(3)
    clinic_name = f"Ngong Road Clinic {suffix}"
    provider_name = f"Dr Wairimu {suffix}"
    email = f"wairimu-{suffix}@demo.clinic"
    page = await new_page(DESKTOP, axe=True)
    await _sign_in(page, stack)
    await _create_clinic(page, clinic_name)
    await _create_provider(page, provider_name, email, clinic_name)

    # The console on a phone: no sideways scrolling.
    await page.set_viewport_size(PHONE["viewport"])
    await page.goto("/admin/clinics")
    await expect(page.get_by_role("form", name=re.compile("^Settings of"))).to_be_visible(
        timeout=TIMEOUT
    )
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"/admin/clinics is {overflow}px wider than a phone"
    await axe_check(page, "/admin/clinics on a phone")

    await page.set_viewport_size(DESKTOP["viewport"])
    await _create_type(page, clinic_name)
    await _write_weekly_hours(page, clinic_name, provider_name)

    admin = await _admin_api(gateway, stack)
    clinics = (await gateway.get("/v1/clinics", params={"name": clinic_name}, headers=admin)).json()
    clinic = next(c for c in clinics["items"] if c["name"] == clinic_name)
    assert clinic["time_zone"] == ZONE
    types = await gateway.get(
        "/v1/appointment-types", params={"clinic_id": clinic["id"]}, headers=admin
    )
    kind = next(t["id"] for t in types.json()["items"] if t["name"] == TYPE)
    # The first weekday after today: the provider works Monday to Friday.
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime.combine(day, datetime.min.time(), ZoneInfo(ZONE))
    # Booking learns of the new shifts from shifts' events.
    await _until(
        lambda: gateway.get(
            "/v1/slots",
            params={
                "clinic_id": clinic["id"],
                "type_id": kind,
                "from": start.isoformat(),
                "to": (start + timedelta(days=1)).isoformat(),
            },
            headers=admin,
        ),
        lambda r: r.status_code == 200 and bool(r.json()["items"]),
        "slots of the new clinic",
    )

    patient = await new_page(PHONE)
    phone = await register(gateway, f"Neema {suffix}")
    path = f"/book?clinic={clinic['id']}&type={kind}&provider=any&day={day.isoformat()}"
    await sign_in_from(patient, path, phone)
    times = patient.get_by_test_id("slot-times").get_by_role("button")
    await expect(times.first).to_be_visible(timeout=TIMEOUT)
    await expect(times.first).to_have_text(re.compile(r"^0?8[:.]00"))
