"""The admin console in Chromium against a real stack: the organisation admin creates a clinic
in Africa/Nairobi (hours every day; a closure added and removed), then a provider for it on
the people page; the provider's weekly template and an appointment type follow through the API
(the weekly-hours and types screens are other pages' tests); and a patient, in a browser of
their own, is offered that clinic's times on /book. axe on each console page; the console on a
phone does not overflow."""

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

    admin = await _admin_api(gateway, stack)
    clinics = (await gateway.get("/v1/clinics", params={"name": clinic_name}, headers=admin)).json()
    clinic = next(c for c in clinics["items"] if c["name"] == clinic_name)
    assert clinic["time_zone"] == ZONE
    people = await gateway.get("/v1/users", params={"q": email, "kind": "staff"}, headers=admin)
    provider = next(p["id"] for p in people.json()["items"] if p["email"] == email)

    # The weekly template, through the API (the weekly-hours screen has its own test).
    today = datetime.now(ZoneInfo(ZONE)).date()
    template = {
        "clinic_id": clinic["id"],
        "staff_id": provider,
        "role": "provider",
        "valid_from": today.isoformat(),
        "weekly": [
            {"day": day, "starts": "08:00", "ends": "17:00"}
            for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        ],
    }
    await _until(
        lambda: gateway.post("/v1/shift-templates", json=template, headers=admin),
        lambda r: r.status_code == 201,
        "weekly template",
    )
    kind = await gateway.post(
        "/v1/appointment-types",
        json={
            "clinic_id": clinic["id"],
            "name": "General consultation",
            "duration_minutes": 20,
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 0,
            "step_minutes": 15,
            "online_bookable": True,
            "requires_room": False,
        },
        headers=admin,
    )
    assert kind.status_code == 201, kind.text
    day = today + timedelta(days=1)
    await _until(
        lambda: gateway.get(
            "/v1/slots",
            params={"clinic_id": clinic["id"], "type_id": kind.json()["id"]},
            headers=admin,
        ),
        lambda r: r.status_code == 200 and bool(r.json()["items"]),
        "slots of the new clinic",
    )

    patient = await new_page(PHONE)
    phone = await register(gateway, f"Neema {suffix}")
    path = (
        f"/book?clinic={clinic['id']}&type={kind.json()['id']}&provider=any&day={day.isoformat()}"
    )
    await sign_in_from(patient, path, phone)
    times = patient.get_by_test_id("slot-times").get_by_role("button")
    await expect(times.first).to_be_visible(timeout=TIMEOUT)
    await expect(times.first).to_have_text(re.compile(r"^0?8[:.]00"))
