"""The web app's budgets: initial JavaScript, the booking page on a slow link, requests counted.

Builds the app if stale, then prints (1) the JavaScript and CSS that `index.html` loads before
anything else, raw and gzipped; (2) starts `clinic-stack` as a user would (or uses
`--stack-dir`), signs the demo patient in through the browser form, and opens the booking page
in Debian's Chromium with Chromium's own network throttling (DevTools presets: "3G" is 2,000 ms
latency and 400 kbit/s each way, "Slow 4G" 562.5 ms and 1.44 Mbit/s), on a first visit (cold
cache, no service worker) and a repeat one (the app shell kept by the service worker): the time
until the first choice of the booking flow can be clicked; (3) the whole booking, from opening
the page to the confirmation, unthrottled with a warm session, and the requests it took (app
files and API calls counted apart).

    uv run --frozen python bench/web_budget.py [--stack-dir .state] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from harness import clinic_stack
from servicekit.local.web import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "dist"
# Chromium DevTools' presets (throughput in bytes per second).
PROFILES = {
    "3G": {"latency": 2000.0, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8},
    "Slow 4G": {
        "latency": 562.5,
        "downloadThroughput": 1_440_000 / 8,
        "uploadThroughput": 675_000 / 8,
    },
}


def initial_assets() -> list[Path]:
    """The scripts and style sheets index.html asks for before the app runs."""
    html = (DIST / "index.html").read_text()
    refs = re.findall(r'(?:src|href)="(/assets/[^"]+\.(?:js|css))"', html)
    return [DIST / ref.lstrip("/") for ref in dict.fromkeys(refs)]


def print_sizes() -> None:
    rows = [(p, p.stat().st_size, len(gzip.compress(p.read_bytes(), 9))) for p in initial_assets()]
    for kind in ("js", "css"):
        chosen = [r for r in rows if r[0].suffix == f".{kind}"]
        raw, packed = sum(r[1] for r in chosen), sum(r[2] for r in chosen)
        print(
            f"initial {kind.upper():3} {len(chosen)} files  {raw / 1024:7.1f} KB  "
            f"gzipped {packed / 1024:6.1f} KB"
        )
    lazy = [p for p in (DIST / "assets").glob("*.js") if p not in initial_assets()]
    lazy_packed = sum(len(gzip.compress(p.read_bytes(), 9)) for p in lazy)
    print(f"loaded later: {len(lazy)} JS files, gzipped {lazy_packed / 1024:.1f} KB")


CLINIC, ZONE = "Kibera Health Centre", "Africa/Nairobi"
TYPE = "General consultation"


async def sign_in(page: Any, phone: str, password: str) -> None:
    await page.goto("/sign-in")
    await page.get_by_label(re.compile("Phone number or e-mail")).fill(phone)
    await page.get_by_label(re.compile("^Password")).fill(password)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await page.wait_for_url(re.compile(r"/appointments"), timeout=60_000)


async def throttled_open(
    browser: Any,
    base: str,
    login: tuple[str, str],
    profile: str,
    *,
    waterfall: bool = False,
    repeat: bool = False,
) -> float:
    """Seconds from navigation to the first clickable clinic on /book, throttled: a first visit
    (cold cache, no service worker), or a repeat visit (the app shell in the service worker's
    cache from an earlier visit, the HTTP cache still empty)."""
    context = await browser.new_context(
        base_url=base,
        viewport={"width": 360, "height": 740},
        service_workers="allow" if repeat else "block",
    )
    page = await context.new_page()
    await sign_in(page, *login)  # the session cookie, unthrottled; the cache then emptied
    while repeat and not await page.evaluate("navigator.serviceWorker.controller !== null"):
        await asyncio.sleep(0.2)  # the app shell is cached once its worker is in control
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send("Network.clearBrowserCache")
    await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    await cdp.send("Network.emulateNetworkConditions", {"offline": False, **PROFILES[profile]})
    started = time.perf_counter()
    timeline: dict[Any, list[float]] = {}
    page.on("request", lambda r: timeline.setdefault(r, [time.perf_counter() - started]))
    page.on(
        "requestfinished",
        lambda r: timeline.setdefault(r, [float("nan")]).append(time.perf_counter() - started),
    )
    await page.goto("/book", wait_until="commit", timeout=120_000)
    first = page.get_by_role("radio", name=re.compile(CLINIC))
    await first.wait_for(state="visible", timeout=120_000)
    await first.click(trial=True, timeout=120_000)  # enabled and receives the pointer
    elapsed = time.perf_counter() - started
    await context.close()
    if waterfall:
        print(f"  {profile} requests until usable (s from navigation: started, finished):")
        for request, times in sorted(timeline.items(), key=lambda item: item[1][0]):
            finished = f"{times[1]:5.1f}" if len(times) > 1 else "    -"
            print(f"  {times[0]:5.1f} {finished}  {request.url.removeprefix(base)[:90]}")
    return elapsed


async def whole_booking(browser: Any, base: str, login: tuple[str, str]) -> dict[str, Any]:
    """The booking from opening /book to the confirmation: seconds and requests, by kind."""
    context = await browser.new_context(base_url=base, viewport={"width": 360, "height": 740})
    page = await context.new_page()
    await sign_in(page, *login)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    started = time.perf_counter()
    await page.goto("/book")
    await page.get_by_role("radio", name=re.compile(CLINIC)).click(timeout=60_000)
    await page.get_by_role("radio", name=re.compile(TYPE)).click()
    await page.get_by_role("radio", name=re.compile("Any provider")).click()
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=1)
    while day.weekday() >= 5:  # the demo shifts are Monday to Friday
        day += timedelta(days=1)
    await page.get_by_role(
        "radio", name=re.compile(rf"^{day:%a},? ({day:%b} {day.day}|{day.day} {day:%b})\b")
    ).click()
    times = page.get_by_test_id("slot-times").get_by_role("button")
    await times.first.wait_for(timeout=60_000)
    await times.nth(await times.count() // 2).click()
    await page.get_by_role("button", name="Confirm booking").click(timeout=60_000)
    await page.get_by_text("Your appointment is booked.").wait_for(timeout=60_000)
    elapsed = time.perf_counter() - started
    await context.close()
    api = [url for url in requests if "/v1/" in url]
    return {"seconds": elapsed, "requests": len(requests), "api": api}


async def measure(state: Path, runs: int, waterfall: bool) -> None:
    from playwright.async_api import async_playwright

    base = json.loads((state / "stack.json").read_text())["gateway"]["url"]
    logins = json.loads((state / "demo-logins.json").read_text())
    phone = next(name for name in logins if name.startswith("+"))
    login = (phone, logins[phone])
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=list(CHROMIUM_ARGS)
        )
        for profile in PROFILES if runs else ():
            for repeat, visit in ((False, "first visit"), (True, "repeat visit")):
                seconds = [
                    await throttled_open(
                        browser, base, login, profile, waterfall=waterfall and n == 0, repeat=repeat
                    )
                    for n in range(runs)
                ]
                runs_text = ", ".join(f"{s:.1f}" for s in seconds)
                median = statistics.median(seconds)
                print(f"/book usable on {profile:7} ({visit}): median {median:.1f} s ({runs_text})")
        booking = await whole_booking(browser, base, login)
        await browser.close()
    api = booking["api"]
    print(
        f"whole booking, page open to confirmed (warm session, unthrottled): "
        f"{booking['seconds']:.1f} s, {booking['requests']} requests, {len(api)} to the API:"
    )
    for url in api:
        print(f"  {url.removeprefix(base)}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack-dir", type=Path, help="state folder of a running clinic-stack")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--waterfall", action="store_true", help="list each throttled profile's requests once"
    )
    args = parser.parse_args()
    build = [sys.executable, "-m", "servicekit.local.web_cli", "build", "--if-stale"]
    await asyncio.to_thread(subprocess.run, build, check=True)
    print_sizes()
    async with clinic_stack(args.stack_dir, "bench-web-") as state:
        await measure(state, args.runs, args.waterfall)


if __name__ == "__main__":
    asyncio.run(main())
