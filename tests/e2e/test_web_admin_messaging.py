"""The admin console's messaging in Chromium against a real stack: the clinic admin rewords the
demo clinic's English confirmation and sees the preview filled with the sample visit; the next
booking's confirmation, as notify records it, carries the new words. Booking setup and the
audit log have nothing serious for axe."""

from __future__ import annotations

import asyncio
import re
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Page, expect
from servicekit.local import demo

from .conftest import DESKTOP, NewPage, Stack, axe_check, demo_clinic, screenshot

CLINIC_ADMIN = "clinic.admin@demo.clinic"
PATIENT = demo.PATIENT
CLINIC_NAME, ZONE = demo.CLINICS[0]
TYPE = "General consultation"
TIMEOUT = 30_000


async def _bearer(client: httpx.AsyncClient, stack: Stack, username: str) -> dict[str, str]:
    password = stack.demo_logins()[username]
    answer = await client.post("/v1/auth/token", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _sign_in(page: Page, stack: Stack, username: str) -> None:
    await page.goto("/sign-in")
    await page.get_by_label("Phone number or e-mail").fill(username)
    await page.get_by_label(re.compile("^Password")).fill(stack.demo_logins()[username])
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/desk"), timeout=TIMEOUT)


def _working_day(days_ahead: int) -> date:
    """A Monday-to-Friday day (the demo shifts) at least `days_ahead` days ahead in the clinic."""
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


async def _patient_books(client: httpx.AsyncClient, stack: Stack, clinic: str) -> str:
    """The demo patient books a free General consultation from their phone; the visit's id."""
    patient = await _bearer(client, stack, PATIENT)
    types = await client.get("/v1/appointment-types", params={"clinic_id": clinic}, headers=patient)
    assert types.status_code == 200, types.text
    type_id = next(t["id"] for t in types.json()["items"] if t["name"] == TYPE)
    start = datetime.combine(_working_day(3), datetime.min.time(), ZoneInfo(ZONE))
    slots = await client.get(
        "/v1/slots",
        params={
            "clinic_id": clinic,
            "type_id": type_id,
            "from": start.isoformat(),
            "to": (start + timedelta(days=1)).isoformat(),
        },
        headers=patient,
    )
    assert slots.status_code == 200, slots.text
    slot = secrets.choice(slots.json()["items"])
    booked = await client.post(
        "/v1/appointments",
        json={
            "clinic_id": clinic,
            "type_id": type_id,
            "provider_id": slot["providers"][0]["id"],
            "starts_at": slot["starts_at"],
        },
        headers={**patient, "Idempotency-Key": secrets.token_hex(8)},
    )
    assert booked.status_code == 201, booked.text
    return str(booked.json()["id"])


async def _confirmation_body(
    client: httpx.AsyncClient, staff: dict[str, str], appointment: str
) -> str:
    """The confirmation's words as notify recorded them once sent (the log provider, seconds)."""
    for _ in range(60):
        found = await client.get(
            "/v1/notifications",
            params={"appointment_id": appointment, "kind": "confirmation"},
            headers=staff,
        )
        assert found.status_code == 200, found.text
        bodies = [m["body"] for m in found.json()["items"] if m["body"]]
        if bodies:
            return str(bodies[0])
        await asyncio.sleep(1)
    raise AssertionError(f"no confirmation was worded for {appointment}: {found.text}")


async def test_a_reworded_confirmation_is_previewed_then_sent(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    admin = await _bearer(gateway, stack, CLINIC_ADMIN)
    clinic = await demo_clinic(gateway, admin)
    marker = f"Karibu-{secrets.token_hex(3)}"
    words = f"{{clinic}}: {marker} {{patient}}! Your {{type}} is on {{date}} at {{time}}."

    page = await new_page(DESKTOP, axe=True)
    await _sign_in(page, stack, CLINIC_ADMIN)
    await page.goto("/admin/messaging")
    await expect(page.get_by_role("heading", name="Messaging", level=1)).to_be_visible()
    await page.get_by_role("combobox", name="Clinic").select_option(label=CLINIC_NAME)
    wording = page.get_by_role("region", name="Message wording")
    await expect(wording.get_by_role("combobox", name="Message")).to_have_value("confirmation")
    await expect(wording.get_by_role("combobox", name="Language")).to_have_value("en")
    textbox = wording.get_by_role("textbox", name="Words")
    await expect(textbox).to_have_value(re.compile(r"\{patient\}"), timeout=TIMEOUT)
    try:
        await textbox.fill(words)
        preview = wording.get_by_test_id("template-preview")
        # The sample visit: Amina, tomorrow at 9:30 in the clinic (en-GB: a 24-hour clock).
        await expect(preview).to_have_text(
            re.compile(
                rf"^{CLINIC_NAME}: {marker} Amina! Your .+ is on \w+,? \d+ \w+ \d{{4}} at 0?9:30\. "
                r"Reply STOP to opt out\.$"
            )
        )
        await page.get_by_role("button", name="Save wording").click()
        await expect(page.get_by_text("This clinic's wording")).to_be_visible(timeout=TIMEOUT)
        await axe_check(page, "/admin/messaging")
        await screenshot(page, "admin-messaging")

        appointment = await _patient_books(gateway, stack, clinic)
        body = await _confirmation_body(gateway, admin, appointment)
        assert body.startswith(f"{CLINIC_NAME}: {marker} Amina! Your {TYPE} is on "), body
        assert body.endswith("Reply STOP to opt out."), body
        await gateway.post(
            f"/v1/appointments/{appointment}/cancel", json={"reason": "test"}, headers=admin
        )
    finally:
        # Other tests on this stack expect the built-in words.
        await gateway.delete(
            f"/v1/clinics/{clinic}/message-templates/confirmation/en", headers=admin
        )

    await page.goto("/admin/booking-setup")
    await expect(page.get_by_role("heading", name="Types and rooms", level=1)).to_be_visible()
    await expect(page.get_by_role("cell", name=TYPE, exact=True)).to_be_visible(timeout=TIMEOUT)
    await axe_check(page, "/admin/booking-setup")
    await page.get_by_role("button", name=f"Edit {TYPE}").click()
    await expect(page.get_by_role("dialog")).to_be_visible()
    await axe_check(page, "/admin/booking-setup: editing a type")
    await page.keyboard.press("Escape")

    await page.goto("/admin/audit")
    await expect(page.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    await expect(
        page.get_by_role("table").or_(page.get_by_text("No entries match."))
    ).to_be_visible(timeout=TIMEOUT)
    await axe_check(page, "/admin/audit")
    await screenshot(page, "admin-audit")
