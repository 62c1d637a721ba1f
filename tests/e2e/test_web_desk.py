"""The front desk in Chromium on a desktop, against a real stack: the demo receptionist
registers a walk-in patient, books them now, checks them in and completes the visit in the day
view; a booking made by someone else appears there within seconds without a reload; a time
taken meanwhile is refused with the nearest free times offered; axe has nothing serious to say.

The demo shifts run Monday to Friday, so the walk-in gets a provider of its own: a new provider
with a one-off shift around the current time, whatever the weekday and the hour."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Page, expect

from .conftest import (
    DESKTOP,
    NewPage,
    Stack,
    axe_check,
    demo_clinic,
    new_provider_on_shift,
    screenshot,
)

RECEPTION = "reception@demo.clinic"
CLINIC_ADMIN = "clinic.admin@demo.clinic"
PATIENT = "+254700000001"
SEEN = 15_000  # ms: polling every 5 s, so a change shows within a few seconds


async def _sign_in_api(client: httpx.AsyncClient, stack: Stack, username: str) -> dict[str, str]:
    password = stack.demo_logins()[username]
    answer = await client.post("/v1/auth/token", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _type_id(
    client: httpx.AsyncClient, headers: dict[str, str], clinic: str, name: str
) -> str:
    types = await client.get("/v1/appointment-types", params={"clinic_id": clinic}, headers=headers)
    assert types.status_code == 200, types.text
    return str(next(t["id"] for t in types.json()["items"] if t["name"] == name))


async def _sign_in_page(page: Page, stack: Stack, username: str) -> None:
    await page.goto("/sign-in")
    await page.get_by_label("Phone number or e-mail").fill(username)
    await page.get_by_label(re.compile("^Password")).fill(stack.demo_logins()[username])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(re.compile(r"/desk"), timeout=30_000)


async def _pick_first_slot(page: Page) -> str:
    """Check the first free time offered; returns its start (ISO, the clinic's offset)."""
    group = page.get_by_role("radiogroup", name="Choose a time")
    radio = group.get_by_role("radio").first
    await expect(radio).to_be_attached(timeout=30_000)
    value = await radio.get_attribute("value")
    radio_id = await radio.get_attribute("id")
    assert value
    assert radio_id
    await page.locator(f'label[for="{radio_id}"]').click()
    return value


def _next_weekday(zone: ZoneInfo) -> date:
    day = datetime.now(zone).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


async def _someone_else_books(
    client: httpx.AsyncClient,
    stack: Stack,
    admin: dict[str, str],
    clinic: str,
    type_id: str,
    provider: str,
    zone: ZoneInfo,
) -> dict[str, Any]:
    """The demo patient books the cover provider's first free time today from their phone;
    past the day's last slot the clinic admin books them half an hour ago instead."""
    patient = await _sign_in_api(client, stack, PATIENT)
    today = datetime.now(zone).date()
    slots = await client.get(
        "/v1/slots",
        params={"clinic_id": clinic, "type_id": type_id, "provider_id": provider},
        headers=patient,
    )
    assert slots.status_code == 200, slots.text
    todays = [
        s for s in slots.json()["items"] if datetime.fromisoformat(s["starts_at"]).date() == today
    ]
    if todays:
        booked = await client.post(
            "/v1/appointments",
            json={
                "clinic_id": clinic,
                "type_id": type_id,
                "provider_id": provider,
                "starts_at": todays[0]["starts_at"],
            },
            headers=patient,
        )
    else:
        me = await client.get("/v1/me", headers=patient)
        booked = await client.post(
            "/v1/appointments",
            json={
                "clinic_id": clinic,
                "type_id": type_id,
                "provider_id": provider,
                "patient_id": me.json()["id"],
                "starts_at": (datetime.now(UTC) - timedelta(minutes=28)).isoformat(),
            },
            headers=admin,
        )
    assert booked.status_code == 201, booked.text
    result: dict[str, Any] = booked.json()
    return result


async def test_the_front_desk_day(stack: Stack, new_page: NewPage) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as client:
        admin = await _sign_in_api(client, stack, CLINIC_ADMIN)
        clinic = await demo_clinic(client, admin)
        zone = ZoneInfo("Africa/Nairobi")
        consultation = await _type_id(client, admin, clinic, "General consultation")
        provider, provider_name = await new_provider_on_shift(
            client,
            admin,
            clinic,
            consultation,
            datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1),
            hours=5,
        )

        page = await new_page(DESKTOP, axe=True)
        await _sign_in_page(page, stack, RECEPTION)

        # Register a walk-in patient at the desk.
        await page.goto("/desk/patients")
        await expect(page.get_by_role("heading", level=1, name="Patients")).to_be_visible()
        await axe_check(page, "the desk's patients page")
        name = f"Baraka Walk-in {secrets.token_hex(2)}"
        phone = f"+2547{secrets.randbelow(10**8):08d}"
        await page.get_by_role("button", name="Register a new patient").click()
        await page.get_by_label("Full name").fill(name)
        await page.get_by_label("Mobile phone").fill(phone)
        await page.get_by_role("button", name="Register patient").click()
        await expect(page.get_by_role("status").first).to_contain_text(f"{name} is registered.")
        await expect(page.get_by_role("heading", name=f"Booking for {name}")).to_be_visible()

        # Book them now as a walk-in with the provider on cover.
        await page.get_by_label("General consultation (20 min)").check()
        await page.get_by_label("Provider", exact=True).select_option(label=provider_name)
        await expect(page.get_by_role("radiogroup", name="Choose a time")).to_be_visible()
        await axe_check(page, "booking for a patient at the desk")
        await screenshot(page, "desk-patients")
        await page.get_by_role("button", name="Walk in now").click()
        booked = page.get_by_role("status").filter(has_text="Booked:")
        await expect(booked).to_contain_text(f"Booked: {name}", timeout=20_000)
        await expect(booked).to_contain_text(provider_name)

        # The block is in the day view, booked; check in, then complete.
        await page.get_by_role("link", name="Open the day view").click()
        await expect(page.get_by_role("heading", level=1, name="Clinic day")).to_be_visible()
        await expect(page.get_by_role("heading", level=2, name=provider_name)).to_be_visible()
        block = page.get_by_role("button", name=re.compile(re.escape(name)))
        await expect(block).to_contain_text("Booked")
        await screenshot(page, "desk-day")
        await block.click()
        drawer = page.get_by_role("dialog", name="Appointment")
        await expect(drawer.get_by_text(name)).to_be_visible()
        await expect(drawer.get_by_text("General consultation")).to_be_visible()
        await expect(drawer.get_by_text("Walk-in", exact=True)).to_be_visible()
        await axe_check(page, "the day view with an appointment open")
        await screenshot(page, "desk-appointment")
        await drawer.get_by_role("button", name="Check in").click()
        await expect(drawer.get_by_role("status")).to_contain_text("the visit is now Checked in")
        await expect(block).to_contain_text("Checked in")
        await drawer.get_by_role("button", name="Complete").click()
        await expect(drawer.get_by_role("status")).to_contain_text("the visit is now Completed")
        await expect(block).to_contain_text("Completed")
        await expect(drawer.get_by_role("button", name="Check in")).to_have_count(0)
        await page.keyboard.press("Escape")
        await expect(drawer).to_be_hidden()

        # Someone else's booking appears without a reload.
        others = await page.get_by_role("button", name=re.compile("Amina Demo-Patient")).count()
        await _someone_else_books(client, stack, admin, clinic, consultation, provider, zone)
        await expect(
            page.get_by_role("button", name=re.compile("Amina Demo-Patient"))
        ).to_have_count(others + 1, timeout=SEEN)

        # A time taken between choosing and booking: refused, with the nearest free times.
        await page.goto("/desk/patients")
        await page.get_by_label("Phone number or name").fill(phone)
        await page.get_by_role("button", name=f"Book for {name}").click()
        await page.get_by_label("General consultation (20 min)").check()
        await page.get_by_label("Provider", exact=True).select_option(label="Dr Peter Otieno")
        day = page.get_by_label("Day", exact=True)
        await day.fill(_next_weekday(zone).isoformat())
        starts_at = await _pick_first_slot(page)
        patient = await _sign_in_api(client, stack, PATIENT)
        taken = await client.post(
            "/v1/appointments",
            json={"clinic_id": clinic, "type_id": consultation, "starts_at": starts_at},
            headers=patient,
        )
        if taken.status_code == 422:  # inside the patient's notice: the clinic books it
            me = await client.get("/v1/me", headers=patient)
            taken = await client.post(
                "/v1/appointments",
                json={
                    "clinic_id": clinic,
                    "type_id": consultation,
                    "starts_at": starts_at,
                    "patient_id": me.json()["id"],
                },
                headers=admin,
            )
        assert taken.status_code == 201, taken.text
        await page.get_by_role("button", name=re.compile(r"^Book ")).click()
        alert = page.get_by_role("alert")
        await expect(alert).to_contain_text("That time is taken")
        await expect(alert).to_contain_text("The provider is busy")
        alternatives = alert.get_by_role("button", name=re.compile("^Take "))
        assert await alternatives.count() >= 1
        await alternatives.first.click()
        await expect(page.get_by_role("status").filter(has_text="Booked:")).to_contain_text(name)
