"""The patient's booking in Chromium on a phone (360x740), through the gateway: book a time
(held, then confirmed), see it in My appointments, move it, cancel it; two patients racing
for one time (one books it, the other is offered the nearest free times and takes one in a
tap); axe on every step and page."""

from __future__ import annotations

import asyncio
import random
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Page, expect
from servicekit.local import demo

from .conftest import PHONE, NewPage, Stack, axe_check, screenshot

pytestmark = pytest.mark.timeout(600)

PASSWORD = "Tilapia-Harbour-Mango-42"
CLINIC, ZONE = demo.CLINICS[0]
TYPE = "General consultation"
TIMEOUT = 20_000  # ms: a loaded CI machine answers slowly


async def register(gateway: httpx.AsyncClient, name: str) -> str:
    """A new patient through the API; their phone number (the sign-in name)."""
    phone = f"+2547{random.randrange(10_000_000, 99_999_999)}"
    body = {"full_name": name, "phone": phone, "password": PASSWORD, "preferred_language": "en"}
    answer = await gateway.post("/v1/auth/register", json=body)
    assert answer.status_code == 201, answer.text
    return phone


async def sign_in_from(page: Page, path: str, phone: str) -> None:
    """Open `path` signed out, sign in where the app sends us, and come back to it."""
    await page.goto(path)
    await expect(page).to_have_url(re.compile(r"/sign-in"), timeout=TIMEOUT)
    await page.get_by_label(re.compile("Phone number or e-mail")).fill(phone)
    await page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page).not_to_have_url(re.compile(r"/sign-in"), timeout=TIMEOUT)
    await expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=TIMEOUT)


def working_day(days_ahead: int) -> date:
    """A Monday-to-Friday clinic day at least `days_ahead` days from today (the demo shifts)."""
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def day_name(day: date) -> re.Pattern[str]:
    """The day's radio as the app shows it in English: "Thu, Dec 10" (or "Thu 10 Dec")."""
    return re.compile(rf"^{day:%a},? ({day:%b} {day.day}|{day.day} {day:%b})\b")


async def ids(gateway: httpx.AsyncClient, stack: Stack) -> tuple[str, str]:
    headers = stack.token()
    clinics = (await gateway.get("/v1/clinics", params={"name": CLINIC}, headers=headers)).json()
    clinic = next(c["id"] for c in clinics["items"] if c["name"] == CLINIC)
    types = (await gateway.get("/v1/appointment-types", params={"clinic_id": clinic})).json()
    return clinic, next(t["id"] for t in types["items"] if t["name"] == TYPE)


async def test_a_patient_books_sees_moves_and_cancels(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    phone = await register(gateway, "Amina Wanjiru")
    page = await new_page(PHONE, axe=True)
    await sign_in_from(page, "/book", phone)
    await expect(page.get_by_role("heading", name="Book an appointment", level=1)).to_be_visible(
        timeout=TIMEOUT
    )
    await axe_check(page, "/book: clinics")

    await page.get_by_role("radio", name=re.compile(CLINIC)).click(timeout=TIMEOUT)
    await page.get_by_role("radio", name=re.compile(TYPE)).click()
    await axe_check(page, "/book: types and providers")
    await page.get_by_role("radio", name=re.compile("Any provider")).click()
    day = working_day(3)
    await page.get_by_role("radio", name=day_name(day)).click()
    times = page.get_by_test_id("slot-times").get_by_role("button")
    await expect(times.first).to_be_visible(timeout=TIMEOUT)
    await expect(page.get_by_role("heading", name=re.compile("Free times on"))).to_be_visible()
    await axe_check(page, "/book: days and times")
    await screenshot(page, "patient-book-times")
    # The choices are in the address: a reload comes back to the same times.
    assert "day=" in page.url
    assert "provider=any" in page.url
    await page.reload()
    await expect(times.first).to_be_visible(timeout=TIMEOUT)
    first_time = (await times.first.inner_text()).strip()

    await times.first.click()
    await expect(page.get_by_role("heading", name="Confirm your appointment")).to_be_visible(
        timeout=TIMEOUT
    )
    await expect(page.get_by_text(CLINIC)).to_be_visible()
    await expect(page.get_by_text(TYPE)).to_be_visible()
    await expect(page.get_by_test_id("hold-countdown")).to_have_text(re.compile(r"0[45]:\d\d"))
    await axe_check(page, "/book: confirm")
    await screenshot(page, "patient-book-confirm")
    await page.get_by_role("button", name="Confirm booking").click()

    await expect(page.get_by_text("Your appointment is booked.")).to_be_visible(timeout=TIMEOUT)
    await expect(page.get_by_test_id("appointment-time")).to_contain_text(first_time)
    detail_url = page.url

    await page.goto("/appointments")
    card = page.get_by_test_id("appointment-card").first
    await expect(card).to_contain_text("Booked", timeout=TIMEOUT)
    await expect(card).to_contain_text(TYPE)
    await expect(card).to_contain_text(CLINIC)
    await expect(card).to_contain_text(first_time)
    await axe_check(page, "/appointments")
    await screenshot(page, "patient-appointments")

    await card.click()
    await expect(page).to_have_url(detail_url)
    await expect(page.get_by_test_id("cutoff-note")).to_contain_text("24 hours before")
    await axe_check(page, "/appointments/:id")

    await page.get_by_role("button", name="Change time").click()
    new_day = working_day(4)
    await page.get_by_role("radio", name=day_name(new_day)).click()
    new_times = page.get_by_test_id("slot-times").get_by_role("button")
    await expect(new_times.nth(2)).to_be_visible(timeout=TIMEOUT)
    new_time = (await new_times.nth(2).inner_text()).strip()
    await axe_check(page, "/appointments/:id: reschedule")
    await new_times.nth(2).click()
    await page.get_by_role("button", name="Confirm new time").click()
    await expect(page.get_by_text("Your appointment has been moved")).to_be_visible(timeout=TIMEOUT)
    await expect(page.get_by_test_id("appointment-time")).to_contain_text(new_time)
    await expect(page.get_by_role("heading", level=2).first).to_contain_text(f"{new_day.day}")

    await page.get_by_role("button", name="Cancel appointment").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label(re.compile("Reason")).fill("Feeling better")
    await axe_check(page, "/appointments/:id: cancel dialog")
    await dialog.get_by_role("button", name="Cancel appointment").click()
    await expect(dialog).to_be_hidden(timeout=TIMEOUT)
    await expect(page.get_by_test_id("appointment-status")).to_have_text(
        "Cancelled", timeout=TIMEOUT
    )
    await expect(page.get_by_text("Reason given: Feeling better")).to_be_visible()

    await page.goto("/appointments")
    await expect(page.get_by_test_id("appointment-card").first).to_contain_text("Cancelled")


async def test_two_patients_race_for_one_time(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    clinic, kind = await ids(gateway, stack)
    day = working_day(5)
    path = f"/book?clinic={clinic}&type={kind}&provider=any&day={day.isoformat()}"
    pages = []
    for name in ("Baraka Otieno", "Chausiku Njeri"):
        phone = await register(gateway, name)
        page = await new_page(PHONE, axe=True)
        await sign_in_from(page, path, phone)
        pages.append(page)
    for page in pages:
        await expect(page.get_by_test_id("slot-times").get_by_role("button").first).to_be_visible(
            timeout=TIMEOUT
        )
    # Both take the same time at once (the 6th of the day: neither's own choice elsewhere).
    contested = [p.get_by_test_id("slot-times").get_by_role("button").nth(5) for p in pages]
    label = (await contested[0].inner_text()).strip()
    assert (await contested[1].inner_text()).strip() == label
    await asyncio.gather(*(button.click() for button in contested))

    confirm = [p.get_by_role("heading", name="Confirm your appointment") for p in pages]
    taken = [p.get_by_text("Someone has just taken that time.") for p in pages]
    await expect(confirm[0].or_(taken[0])).to_be_visible(timeout=TIMEOUT)
    await expect(confirm[1].or_(taken[1])).to_be_visible(timeout=TIMEOUT)
    winners = [n for n in range(2) if await confirm[n].is_visible()]
    assert len(winners) == 1, "exactly one patient holds the time"
    winner, loser = pages[winners[0]], pages[1 - winners[0]]

    await winner.get_by_role("button", name="Confirm booking").click()
    await expect(winner.get_by_text("Your appointment is booked.")).to_be_visible(timeout=TIMEOUT)
    await expect(winner.get_by_test_id("appointment-time")).to_contain_text(label)

    alternatives = loser.get_by_test_id("alternatives").get_by_role("button")
    await expect(alternatives.first).to_be_visible()
    await axe_check(loser, "/book: taken, with alternatives")
    await screenshot(loser, "patient-taken-alternatives")
    await alternatives.first.click()  # one tap holds it
    await expect(loser.get_by_role("heading", name="Confirm your appointment")).to_be_visible(
        timeout=TIMEOUT
    )
    await loser.get_by_role("button", name="Confirm booking").click()
    await expect(loser.get_by_text("Your appointment is booked.")).to_be_visible(timeout=TIMEOUT)
    await expect(loser.get_by_test_id("appointment-status")).to_have_text("Booked")
