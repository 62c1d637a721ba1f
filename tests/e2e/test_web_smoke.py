"""The web app through the gateway, in Chromium on a phone: it loads under its
Content-Security-Policy, has a title and a heading, passes axe, and its deep links are the
app (the gateway answers its routes with index.html)."""

from __future__ import annotations

from playwright.async_api import ConsoleMessage, expect

from .conftest import PHONE, NewPage, Stack, axe_check, screenshot


async def test_the_home_page_loads_on_a_phone(stack: Stack, new_page: NewPage) -> None:
    page = await new_page(PHONE)
    refused: list[str] = []  # what the policy blocked: the app must need nothing it forbids

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", on_console)

    response = await page.goto("/")

    assert response is not None
    assert response.status == 200
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, response.headers
    await expect(page.locator("h1").first).to_be_visible()
    assert (await page.title()).strip()
    assert refused == []
    await screenshot(page, "home-phone")

    deep = await page.goto("/appointments")

    assert deep is not None
    assert deep.status == 200
    assert deep.headers["content-type"].startswith("text/html")
    await expect(page.locator("h1").first).to_be_visible()
    assert refused == []


async def test_the_home_page_passes_axe(stack: Stack, new_page: NewPage) -> None:
    page = await new_page(PHONE, axe=True)
    await page.goto("/")
    await expect(page.locator("h1").first).to_be_visible()

    await axe_check(page, "the home page on a phone")
