"""The analytics dashboard in Chromium against a real stack: the demo clinic admin watches the
bookings figure while two bookings are made through the API, and sees them counted within
seconds without a reload (the page asks every 5 s); the CSV saved through the page is the one
the API gives for the same filters; axe has nothing serious to say; a phone shows it too."""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Page, expect

from .conftest import (
    DESKTOP,
    PHONE,
    NewPage,
    Stack,
    axe_check,
    demo_clinic,
    new_provider_on_shift,
    screenshot,
)

CLINIC_ADMIN = "clinic.admin@demo.clinic"
ZONE = ZoneInfo("Africa/Nairobi")
SEEN = 20.0  # s: the page polls every 5 s and reporting counts within a second or two


async def _sign_in_api(client: httpx.AsyncClient, stack: Stack, username: str) -> dict[str, str]:
    password = stack.demo_logins()[username]
    answer = await client.post("/v1/auth/token", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _sign_in_page(page: Page, stack: Stack, username: str) -> None:
    await page.goto("/sign-in")
    await page.get_by_label("Phone number or e-mail").fill(username)
    await page.get_by_label(re.compile("^Password")).fill(stack.demo_logins()[username])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).not_to_have_url(re.compile(r"/sign-in"), timeout=30_000)


async def _bookings_shown(page: Page) -> int:
    text = await page.get_by_test_id("figure-booked").inner_text(timeout=30_000)
    return int(re.sub(r"\D", "", text))


async def _two_times(
    client: httpx.AsyncClient, admin: dict[str, str], clinic: str
) -> tuple[dict[str, str], list[str]]:
    """A new provider on shift from now, whatever the weekday and the hour: the booking body
    for them and two starts they offer a visit apart (ISO, the clinic's offset)."""
    types = await client.get("/v1/appointment-types", params={"clinic_id": clinic}, headers=admin)
    assert types.status_code == 200, types.text
    names = {t["name"]: t["id"] for t in types.json()["items"]}
    consultation = names["General consultation"]
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    provider, _ = await new_provider_on_shift(client, admin, clinic, consultation, start, hours=3)
    slots = await client.get(
        "/v1/slots",
        params={"clinic_id": clinic, "type_id": consultation, "provider_id": provider},
        headers=admin,
    )
    assert slots.status_code == 200, slots.text
    offered = slots.json()["items"]
    first = offered[0]
    # The second after the first ends (and its buffer): one patient, two visits.
    later = next(s for s in offered if s["starts_at"] >= first["ends_at"] and s != first)
    second = next(s for s in offered if s["starts_at"] > later["starts_at"])
    starts = [first["starts_at"], second["starts_at"]]
    return {"clinic_id": clinic, "type_id": consultation, "provider_id": provider}, starts


async def _book(
    client: httpx.AsyncClient,
    stack: Stack,
    admin: dict[str, str],
    body: dict[str, str],
    starts: list[str],
) -> None:
    """The clinic admin books a new patient at each start (the demo patient's day belongs to
    the other tests)."""
    phone = "+2547" + "".join(secrets.choice("0123456789") for _ in range(8))
    registered = await client.post(
        "/v1/auth/register",
        json={
            "full_name": "Analytics Patient",
            "phone": phone,
            "password": secrets.token_urlsafe(18),
            "preferred_language": "en",
            "consent": {"sms": True, "whatsapp": False},
        },
    )
    assert registered.status_code == 201, registered.text
    for starts_at in starts:
        booked = await client.post(
            "/v1/appointments",
            json={**body, "patient_id": registered.json()["id"], "starts_at": starts_at},
            headers=admin,
        )
        assert booked.status_code == 201, booked.text


async def test_the_analytics_dashboard(stack: Stack, new_page: NewPage) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as client:
        admin = await _sign_in_api(client, stack, CLINIC_ADMIN)
        clinic = await demo_clinic(client, admin)
        body, starts = await _two_times(client, admin, clinic)
        # The page's defaults: the admin's clinic, by day, the last four weeks with today. Late
        # in the evening the times on offer are tomorrow's: the four weeks up to then.
        today = datetime.now(ZONE).date()
        last = max(today, *(datetime.fromisoformat(s).astimezone(ZONE).date() for s in starts))
        filters = {
            "clinic": clinic,
            "period": "day",
            "from": (last - timedelta(days=27)).isoformat(),
            "to": last.isoformat(),
        }
        address = "/admin/analytics" + ("" if last == today else "?" + urlencode(filters))

        page = await new_page(DESKTOP, axe=True)
        await _sign_in_page(page, stack, CLINIC_ADMIN)
        await page.goto(address)
        await expect(page.get_by_role("heading", level=1, name="Analytics")).to_be_visible()
        before = await _bookings_shown(page)

        await _book(client, stack, admin, body, starts)
        deadline = time.monotonic() + SEEN
        while (shown := await _bookings_shown(page)) < before + 2:
            assert time.monotonic() < deadline, f"bookings stayed at {shown}, not {before + 2}+"
            await asyncio.sleep(0.25)
        # Beside the four weeks before, in words.
        card = page.locator('[data-figure="booked"]')
        await expect(card).to_contain_text(re.compile(r"(on|from none in) the previous 4 weeks"))
        await expect(card).to_contain_text("Previous 4 weeks: ")

        # The CSV saved through the page is the API's for the same filters, byte for byte
        # (asked again if a late event changed the figures between the two).
        for _ in range(3):
            async with page.expect_download() as info:
                await page.get_by_role("button", name="Download CSV").click()
            download = await info.value
            # bytes: read_text would turn the CSV's CRLF line ends into LF
            saved = (await asyncio.to_thread(Path(await download.path()).read_bytes)).decode()
            direct = await client.get("/v1/reports/summary.csv", params=filters, headers=admin)
            assert direct.status_code == 200, direct.text
            if saved == direct.text:
                break
        assert saved == direct.text
        assert download.suggested_filename == f"summary-day-{filters['from']}-{filters['to']}.csv"
        lines = saved.splitlines()
        assert len(lines) == 1 + 28 + 1  # header, the days, the totals
        assert lines[-1].startswith("total,")

        # A chart's table on demand; the whole page passes axe.
        activity = page.get_by_role("region", name="Bookings, cancellations and no-shows")
        await activity.get_by_text("Table", exact=True).click()
        await expect(activity.get_by_role("table")).to_be_visible()
        await expect(activity.get_by_role("row")).to_have_count(1 + 28 + 1)
        await activity.get_by_text("Chart", exact=True).click()
        await axe_check(page, "the analytics dashboard")
        await screenshot(page, "admin-analytics")

        # On a phone: everything reachable without scrolling sideways.
        phone = await new_page(PHONE)
        await _sign_in_page(phone, stack, CLINIC_ADMIN)
        await phone.goto(address)
        await expect(phone.get_by_role("heading", level=1, name="Analytics")).to_be_visible()
        await expect(phone.get_by_test_id("figure-booked")).to_have_text(re.compile(r"\d"))
        await expect(phone.get_by_role("button", name="Download CSV")).to_be_visible()
        overflow = await phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"the page is {overflow}px wider than the phone"
