"""Patient accounts in Chromium, through the gateway: registering on a phone (360x740) with
the password rules shown up front, then signed in; the session surviving a reload (the
refresh cookie) and ending with sign-out; notification preferences kept across a reload;
the language switch (Kiswahili, then Français: headings, navigation and <html lang>);
joining the waitlist. axe on every page, also in Swahili and French."""

from __future__ import annotations

import random
import re

import httpx
import pytest
from playwright.async_api import Page, expect
from servicekit.local import demo

from .conftest import DESKTOP, PHONE, NewPage, Stack, axe_check, screenshot

pytestmark = pytest.mark.timeout(600)

PASSWORD = "Tilapia-Harbour-Mango-42"
CLINIC, ZONE = demo.CLINICS[0]
TYPE = "General consultation"
TIMEOUT = 20_000  # ms: a loaded CI machine answers slowly
SIGN_OUT = re.compile("^(Sign out|Toka|Se déconnecter)")


def new_phone() -> str:
    return f"+2547{random.randrange(10_000_000, 99_999_999)}"


async def register(gateway: httpx.AsyncClient, name: str) -> str:
    """A new patient through the API; their phone number (the sign-in name)."""
    phone = new_phone()
    body = {
        "full_name": name,
        "phone": phone,
        "password": PASSWORD,
        "preferred_language": "en",
        "consent": {"sms": True, "whatsapp": False},
    }
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
    await expect(page).to_have_url(re.compile(re.escape(path) + "$"), timeout=TIMEOUT)


async def switch_language(page: Page, code: str) -> None:
    await page.locator("header select").select_option(code)


async def test_registering_on_a_phone_signs_in_and_the_session_lasts_until_sign_out(
    stack: Stack, new_page: NewPage
) -> None:
    page = await new_page(PHONE, axe=True)
    await page.goto("/register")
    await expect(page.get_by_role("heading", name="Create an account", level=1)).to_be_visible(
        timeout=TIMEOUT
    )
    # The rules, from identity's policy, before anything is typed.
    await expect(page.get_by_text("Your password must:")).to_be_visible()
    await expect(page.get_by_text(re.compile("be 12 to 128 characters long"))).to_be_visible()
    await expect(
        page.get_by_text(re.compile("not contain your name, phone number"))
    ).to_be_visible()
    for label in ("Full name", "Mobile phone number", "E-mail (optional)", "Day", "Month", "Year"):
        await expect(page.get_by_label(re.compile(f"^{re.escape(label)}"))).to_be_visible()
    await expect(page.get_by_role("radio", name="English")).to_be_checked()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await axe_check(page, "/register")

    phone = new_phone()
    await page.get_by_label(re.compile("^Full name")).fill("Wanjiru Kamau")
    await page.get_by_label(re.compile("^Mobile phone number")).fill(
        f"{phone[:4]} {phone[4:7]} {phone[7:]}"
    )
    await page.get_by_label(re.compile("^Day")).fill("7")
    await page.get_by_label(re.compile("^Month")).select_option("3")
    await page.get_by_label(re.compile("^Year")).fill("1990")
    await page.get_by_label("Yes, send me text messages (SMS)").check()
    await page.get_by_label(re.compile("^Password")).fill("mango river lamp sunrise")
    await expect(page.get_by_text(re.compile("^Strength: strong"))).to_be_visible()
    await screenshot(page, "account-register")
    await page.get_by_role("button", name="Create account").click()

    # Signed in at once, sent on to book.
    await expect(page).to_have_url(re.compile(r"/book"), timeout=TIMEOUT)
    sign_out = page.get_by_role("button", name=SIGN_OUT)
    await expect(sign_out).to_be_visible(timeout=TIMEOUT)

    # The refresh cookie brings the session back after a reload.
    await page.reload()
    await expect(sign_out).to_be_visible(timeout=TIMEOUT)

    # On a phone, sign-out is in the menu.
    await page.get_by_role("button", name="Menu").click()
    await sign_out.click()
    # The header's link, on whichever page sign-out leaves (the home page has a second one).
    sign_in = page.get_by_role("banner").get_by_role("link", name="Sign in", exact=True)
    await expect(sign_in).to_be_visible(timeout=TIMEOUT)
    await page.reload()
    await expect(sign_in).to_be_visible(timeout=TIMEOUT)
    await expect(page.get_by_role("button", name=SIGN_OUT)).to_have_count(0)


async def test_notification_preferences_are_kept(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    phone = await register(gateway, "Baraka Mwangi")
    page = await new_page(PHONE, axe=True)
    await sign_in_from(page, "/account/notifications", phone)
    await expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    # Notify learns of the new account from identity's events: the page waits for it.
    channel_sms = page.get_by_role("radio", name="SMS (text message)")
    await expect(channel_sms).to_be_visible(timeout=TIMEOUT)
    await expect(page.get_by_text("Messages on", exact=True)).to_be_visible()

    await channel_sms.check()
    reminders = page.get_by_role("switch", name=re.compile("Reminders before my appointments"))
    await expect(reminders).to_be_checked()
    await reminders.uncheck()
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Your message settings are saved.")).to_be_visible(
        timeout=TIMEOUT
    )
    await page.get_by_role("button", name="Stop all messages").click()
    await expect(page.get_by_text("Messages stopped", exact=True)).to_be_visible(timeout=TIMEOUT)
    await expect(page.get_by_text(re.compile("You stopped all messages on"))).to_be_visible()

    await page.reload()
    await expect(page.get_by_role("radio", name="SMS (text message)")).to_be_checked(
        timeout=TIMEOUT
    )
    await expect(
        page.get_by_role("switch", name=re.compile("Reminders before my appointments"))
    ).not_to_be_checked()
    await expect(page.get_by_text("Messages stopped", exact=True)).to_be_visible()
    await axe_check(page, "/account/notifications")
    await screenshot(page, "account-notifications")

    await switch_language(page, "sw")
    await expect(page.get_by_role("heading", name="Arifa", level=1)).to_be_visible()
    await expect(page.get_by_text("Ujumbe umesimamishwa", exact=True)).to_be_visible()
    await axe_check(page, "/account/notifications in Swahili")

    await page.get_by_role("button", name="Pokea ujumbe tena").click()
    await expect(page.get_by_text("Ujumbe umewashwa", exact=True)).to_be_visible(timeout=TIMEOUT)


async def test_the_language_switch_changes_the_texts_and_html_lang(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    page = await new_page(PHONE, axe=True)
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Book a visit", level=1)).to_be_visible(
        timeout=TIMEOUT
    )
    await switch_language(page, "sw")
    await expect(page.locator("html")).to_have_attribute("lang", "sw")
    heading = await page.get_by_role("heading", level=1).inner_text()
    assert heading != "Book a visit"
    await axe_check(page, "the start page in Swahili")
    await screenshot(page, "home-sw")

    phone = await register(gateway, "Zawadi Achieng")
    desk = await new_page(DESKTOP, axe=True)
    await sign_in_from(desk, "/account", phone)
    nav = desk.get_by_role("navigation")
    await expect(desk.get_by_role("heading", name="Your profile", level=1)).to_be_visible()
    await expect(nav.get_by_role("link", name="Waitlist")).to_be_visible()
    await expect(desk.locator("html")).to_have_attribute("lang", "en")

    await switch_language(desk, "sw")
    await expect(desk.get_by_role("heading", name="Wasifu wako", level=1)).to_be_visible()
    await expect(nav.get_by_role("link", name="Orodha ya kusubiri")).to_be_visible()
    await expect(nav.get_by_role("link", name="Arifa")).to_be_visible()
    await expect(desk.get_by_label("Jina kamili")).to_have_value("Zawadi Achieng")
    await expect(desk.locator("html")).to_have_attribute("lang", "sw")
    await axe_check(desk, "/account in Swahili")

    await switch_language(desk, "fr")
    await expect(desk.get_by_role("heading", name="Votre profil", level=1)).to_be_visible()
    await expect(nav.get_by_role("link", name="Liste d'attente")).to_be_visible()
    await expect(nav.get_by_role("link", name="Profil", exact=True)).to_be_visible()
    await expect(desk.locator("html")).to_have_attribute("lang", "fr")
    await axe_check(desk, "/account in French")


async def test_a_patient_joins_the_waitlist(
    stack: Stack, gateway: httpx.AsyncClient, new_page: NewPage
) -> None:
    phone = await register(gateway, "Imani Njeri")
    page = await new_page(PHONE, axe=True)
    await sign_in_from(page, "/waitlist", phone)
    await expect(page.get_by_role("heading", name="Waitlist", level=1)).to_be_visible()
    await expect(page.get_by_text("You are not waiting for any appointment.")).to_be_visible(
        timeout=TIMEOUT
    )
    await page.get_by_label(re.compile("^Clinic")).select_option(label=CLINIC)
    kind = page.get_by_label(re.compile("^Type of appointment"))
    await expect(kind.locator("option", has_text=TYPE)).to_have_count(1, timeout=TIMEOUT)
    value = await kind.locator("option", has_text=TYPE).get_attribute("value")
    await kind.select_option(value)
    await expect(page.get_by_label(re.compile(r"^From \(date\)"))).not_to_have_value("")
    await page.get_by_role("button", name="Join the waitlist").click()

    entry = page.get_by_role("article")
    await expect(entry).to_have_count(1, timeout=TIMEOUT)
    await expect(entry).to_contain_text("Waiting")
    await expect(entry).to_contain_text(TYPE)
    await expect(entry).to_contain_text(CLINIC)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await axe_check(page, "/waitlist")
    await screenshot(page, "account-waitlist")

    await switch_language(page, "fr")
    await expect(page.get_by_role("heading", name="Liste d'attente", level=1)).to_be_visible()
    await expect(entry).to_contain_text("En attente")
    await axe_check(page, "/waitlist in French")

    await entry.get_by_role("button", name="Quitter la liste d'attente").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("button", name="Quitter la liste d'attente").click()
    await expect(entry).to_contain_text("Quittée", timeout=TIMEOUT)
