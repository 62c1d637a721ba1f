"""The shifts part of the admin console in Chromium on a desktop, through the gateway: a new
provider on a one-off shift asks for a day of leave over it (with their own token); the clinic
admin sees the request on /admin/leave with the shift it covers and approves it; booking then
stops offering the provider's slots that day. The admin then writes weekly hours from the
keyboard on /admin/shift-templates; axe on every shifts screen."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from identity.security.keys import KeyRing
from identity.security.tokens import issue_access_token
from playwright.async_api import Page, expect
from servicekit.auth import Membership
from servicekit.local import demo

from .conftest import (
    DESKTOP,
    NewPage,
    Stack,
    axe_check,
    demo_clinic,
    new_provider_on_shift,
    screenshot,
)

pytestmark = pytest.mark.timeout(600)

CLINIC, ZONE = demo.CLINICS[0]
CLINIC_ADMIN = "clinic.admin@demo.clinic"
TYPE = "General consultation"
TIMEOUT = 20_000  # ms: a loaded CI machine answers slowly
DASH = "\N{EN DASH}"  # between two times, as the app writes a range


def token_for(stack: Stack, subject: str, *memberships: Membership) -> dict[str, str]:
    """An access token for an existing person, signed as identity signs them."""
    ring = KeyRing(stack.state_dir / "keys", create_if_missing=False)
    token = issue_access_token(
        ring.current,
        subject=uuid.UUID(subject),
        memberships=memberships,
        issuer="clinic-identity",
        audience="clinic-api",
    )
    return {"Authorization": f"Bearer {token}"}


async def sign_in_from(page: Page, path: str, username: str, password: str) -> None:
    await page.goto(path)
    await expect(page).to_have_url(re.compile(r"/sign-in"), timeout=TIMEOUT)
    await page.get_by_label(re.compile("Phone number or e-mail")).fill(username)
    await page.get_by_label(re.compile("^Password")).fill(password)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page).not_to_have_url(re.compile(r"/sign-in"), timeout=TIMEOUT)
    await expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=TIMEOUT)


def a_weekday_ahead(days: int) -> date:
    """A Tuesday to Friday at least `days` ahead, so Monday's hours drawn later do not clash."""
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=days)
    while day.weekday() in (0, 5, 6):
        day += timedelta(days=1)
    return day


async def slots_on(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    clinic: str,
    kind: str,
    provider: str,
    day: date,
) -> list[object]:
    start = datetime.combine(day, datetime.min.time(), ZoneInfo(ZONE))
    answer = await gateway.get(
        "/v1/slots",
        params={
            "clinic_id": clinic,
            "type_id": kind,
            "provider_id": provider,
            "from": start.isoformat(),
            "to": (start + timedelta(days=1)).isoformat(),
        },
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    items: list[object] = answer.json()["items"]
    return items


async def test_approved_leave_takes_the_providers_slots_away(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    org = stack.token()
    clinic = await demo_clinic(gateway, org)
    types = (await gateway.get("/v1/appointment-types", params={"clinic_id": clinic})).json()
    kind = next(t["id"] for t in types["items"] if t["name"] == TYPE)
    day = a_weekday_ahead(10)
    start = datetime.combine(day, datetime.min.time(), ZoneInfo(ZONE)).replace(hour=9)
    provider, name = await new_provider_on_shift(gateway, org, clinic, kind, start, hours=4)
    assert await slots_on(gateway, org, clinic, kind, provider, day)

    mine = token_for(stack, provider, Membership("provider", uuid.UUID(clinic)))
    asked = await gateway.post(
        "/v1/leave",
        json={
            "clinic_id": clinic,
            "kind": "training",
            "first_day": day.isoformat(),
            "last_day": day.isoformat(),
            "reason": "Course",
        },
        headers=mine,
    )
    assert asked.status_code == 201, asked.text

    # The clinic admin sees it with the shift it covers, and approves it.
    logins = stack.demo_logins()
    page = await new_page(DESKTOP, axe=True)
    await sign_in_from(page, "/admin/leave", CLINIC_ADMIN, logins[CLINIC_ADMIN])
    await expect(page.get_by_role("heading", name="Leave requests", level=1)).to_be_visible()
    await page.get_by_label("Clinic", exact=True).select_option(label=CLINIC)
    request = page.get_by_role("article", name=re.compile(f"Leave of {name}"))
    await expect(request.get_by_test_id("leave-shifts")).to_contain_text("9:00", timeout=TIMEOUT)
    await expect(request.get_by_test_id("leave-shifts")).to_contain_text("13:00")
    await expect(request).to_contain_text("Pending")
    await axe_check(page, "/admin/leave")
    await screenshot(page, "admin-leave")
    await request.get_by_role("button", name=re.compile(f"Approve leave of {name}")).click()
    dialog = page.get_by_role("dialog", name=f"Approve leave of {name}")
    await dialog.get_by_label(re.compile("Note to the staff member")).fill("Enjoy the course")
    await dialog.get_by_role("button", name="Approve leave").click()
    outcome = page.get_by_role("status").filter(has_text=f"Leave of {name} approved")
    await expect(outcome).to_contain_text("These shifts need cover", timeout=TIMEOUT)
    await expect(outcome).to_contain_text("13:00")

    # Booking follows shifts' LeaveApproved: the provider's time that day is no longer offered.
    deadline = time.monotonic() + 60
    while await slots_on(gateway, org, clinic, kind, provider, day):
        assert time.monotonic() < deadline, f"{name}'s slots on {day} are still offered"
        await asyncio.sleep(0.5)

    # Weekly hours typed from the keyboard for the same provider.
    await page.goto("/admin/shift-templates")
    await expect(page.get_by_role("heading", name="Weekly hours", level=1)).to_be_visible()
    await page.get_by_label("Clinic", exact=True).select_option(label=CLINIC)
    await page.get_by_label("Staff member").select_option(label=name)
    await expect(page.get_by_text("No weekly hours yet.")).to_be_visible(timeout=TIMEOUT)
    await page.get_by_role("button", name="New weekly hours").click()
    monday = page.get_by_role("group", name="Monday", exact=True)
    await monday.get_by_role("button", name="Add hours on Monday").focus()
    await page.keyboard.press("Enter")
    hours = monday.get_by_role("group", name="Monday, hours 1", exact=True)
    await expect(hours.get_by_label("Starts")).to_be_focused()
    await hours.get_by_label("Starts").fill("08:00")
    await hours.get_by_label("Ends").fill("12:00")
    await expect(page.get_by_test_id("week-grid-range")).to_contain_text(f"08:00{DASH}12:00")
    await axe_check(page, "/admin/shift-templates: the editor")
    await page.get_by_role("button", name="Save weekly hours").click()
    await expect(page.get_by_test_id("template-card")).to_contain_text(
        f"Mon 08:00{DASH}12:00", timeout=TIMEOUT
    )

    for path, heading in (("/admin/roster", "Roster"), ("/admin/coverage", "Coverage")):
        await page.goto(path)
        await expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible(
            timeout=TIMEOUT
        )
        await expect(page.get_by_role("status", name="Loading")).to_have_count(0, timeout=TIMEOUT)
        await axe_check(page, path)
