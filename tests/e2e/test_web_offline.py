"""The app shell on the device: after one visit the web app opens with no network, its own
routes answered by its service worker, while API calls are never answered from that cache."""

from __future__ import annotations

import asyncio
import time

from playwright.async_api import expect

from .conftest import DESKTOP, NewPage, Stack


async def test_the_app_opens_with_no_network_after_one_visit(
    stack: Stack, new_page: NewPage
) -> None:
    page = await new_page(DESKTOP)
    await page.goto("/")
    await expect(page.locator("h1").first).to_be_visible()
    # Installed, its files cached, and in control of the page (it claims it on activation).
    # (Polled from here: wait_for_function evaluates with eval, which the app's policy forbids.)
    deadline = time.monotonic() + 60
    while not await page.evaluate("navigator.serviceWorker.controller !== null"):
        assert time.monotonic() < deadline, "the service worker never took control"
        await asyncio.sleep(0.2)
    manifest = await page.request.get("/manifest.webmanifest")
    assert manifest.ok
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert (await manifest.json())["display"] == "standalone"

    await page.context.set_offline(True)
    reloaded = await page.reload()
    assert reloaded is not None
    assert reloaded.from_service_worker
    await expect(page.locator("h1").first).to_be_visible()

    deep = await page.goto("/sign-in")  # a route not opened before, and its screen's code
    assert deep is not None
    assert deep.from_service_worker
    await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()

    # The API is not the app shell: with no network a call fails, never a cached answer.
    answer = await page.evaluate("fetch('/v1/clinics').then(r => r.status, () => 'failed')")
    assert answer == "failed"
