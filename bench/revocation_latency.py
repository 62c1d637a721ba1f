"""How long a revocation takes to bite: from identity's answer to the first 401 in each process.

    uv run --frozen python bench/revocation_latency.py [--rounds 30] [--stack-dir DIR]

Starts `clinic-stack` as a user would (a fresh temporary state folder, free ports, the demo
network seeded), unless --stack-dir names the state folder of one already running. Each round
creates a receptionist of the first demo clinic through the gateway, signs them in, then
revokes their access in turn by signing the session out, revoking their role, or deactivating
the account. From the moment the revoking request is answered, the gateway (a token sent on a
public path, which only the gateway checks) and each of the five services (an authenticated
read, straight to the service) are polled every 5 ms until they answer 401. Prints, per kind
and over all rounds, the median, 90th percentile and worst delay of the gateway and of the
slowest process.

What the delay is made of: identity's transaction commits, its outbox relay is woken by
NOTIFY and publishes, and each process's reader (a fetch held by the broker for at most
100 ms when idle) applies the event.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from harness import clinic_stack

SERVICES = ("identity", "booking", "shifts", "notify", "reporting")
PROBES = {
    "gateway": "/.well-known/jwks.json",
    "identity": "/v1/me",
    "booking": "/v1/appointments",
    "shifts": "/v1/shifts",
    "notify": "/v1/notifications",
    "reporting": "/v1/reports/summary",
}
PASSWORD = "a bench passphrase long enough"
POLL_SECONDS = 0.005


class Clinic:
    """The demo organisation admin and first clinic, and a client for every process."""

    def __init__(self, state: Path) -> None:
        info = json.loads((state / "stack.json").read_text())
        self.urls = {name: info[name]["url"] for name in ("gateway", *SERVICES)}
        self.logins = json.loads((state / "demo-logins.json").read_text())
        self.clients = {
            name: httpx.AsyncClient(base_url=url, timeout=30, trust_env=False)
            for name, url in self.urls.items()
        }
        self.gateway = self.clients["gateway"]
        self.admin: dict[str, str] = {}
        self.clinic = ""

    async def open(self) -> Clinic:
        self.admin = await self.sign_in("admin@demo.clinic", self.logins["admin@demo.clinic"])
        clinics = await self.gateway.get("/v1/clinics", headers=self.admin)
        self.clinic = clinics.json()["items"][0]["id"]
        return self

    async def sign_in(self, username: str, password: str) -> dict[str, str]:
        pair = await self.pair(username, password)
        return {"Authorization": f"Bearer {pair['access_token']}"}

    async def pair(self, username: str, password: str) -> dict[str, Any]:
        response = await self.gateway.post(
            "/v1/auth/token", json={"username": username, "password": password}
        )
        response.raise_for_status()
        return dict(response.json())

    async def receptionist(self) -> dict[str, Any]:
        email = f"bench-{uuid.uuid4().hex[:10]}@example.org"
        body = {
            "full_name": "Bench Receptionist",
            "email": email,
            "password": PASSWORD,
            "memberships": [{"role": "receptionist", "clinic_id": self.clinic}],
        }
        created = await self.gateway.post("/v1/users", json=body, headers=self.admin)
        created.raise_for_status()
        return dict(created.json()) | {"pair": await self.pair(email, PASSWORD)}

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()


Revoke = Callable[[Clinic, dict[str, Any]], Awaitable[httpx.Response]]


async def sign_out(clinic: Clinic, user: dict[str, Any]) -> httpx.Response:
    return await clinic.gateway.post(
        "/v1/auth/logout",
        json={"refresh_token": user["pair"]["refresh_token"]},
        headers={"Authorization": f"Bearer {user['pair']['access_token']}"},
    )


async def revoke_role(clinic: Clinic, user: dict[str, Any]) -> httpx.Response:
    membership = user["memberships"][0]["id"]
    path = f"/v1/users/{user['id']}/memberships/{membership}"
    return await clinic.gateway.delete(path, headers=clinic.admin)


async def deactivate(clinic: Clinic, user: dict[str, Any]) -> httpx.Response:
    return await clinic.gateway.post(f"/v1/users/{user['id']}/deactivate", headers=clinic.admin)


KINDS: dict[str, Revoke] = {
    "signed out": sign_out,
    "role revoked": revoke_role,
    "deactivated": deactivate,
}


async def bite(clinic: Clinic, kind: str) -> dict[str, float]:
    """Seconds from the revoking answer to the first 401, by process."""
    user = await clinic.receptionist()
    headers = {"Authorization": f"Bearer {user['pair']['access_token']}"}
    answer = await KINDS[kind](clinic, user)
    since = time.monotonic()
    answer.raise_for_status()

    async def first_refusal(name: str) -> tuple[str, float]:
        while True:
            response = await clinic.clients[name].get(PROBES[name], headers=headers)
            if response.status_code == 401:
                return name, time.monotonic() - since
            if time.monotonic() - since > 60:
                raise SystemExit(f"{name} still accepts a token {kind} a minute ago")
            await asyncio.sleep(POLL_SECONDS)

    return dict(await asyncio.gather(*(first_refusal(name) for name in clinic.clients)))


def figures(delays: list[float]) -> str:
    ordered = sorted(delays)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered) * 1000:6.0f} ms  p90 {p90 * 1000:6.0f} ms  "
        f"worst {ordered[-1] * 1000:6.0f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--stack-dir", type=Path, help="state folder of a running clinic-stack")
    args = parser.parse_args()
    async with clinic_stack(args.stack_dir, "bench-revocation-") as state:
        clinic = await Clinic(state).open()
        try:
            results: list[tuple[str, dict[str, float]]] = []
            kinds = list(KINDS)
            for round_number in range(args.rounds):
                kind = kinds[round_number % len(kinds)]
                results.append((kind, await bite(clinic, kind)))
        finally:
            await clinic.aclose()
    print(f"revocation latency over {len(results)} rounds, {os.cpu_count()} CPUs")
    for kind in [*kinds, "all"]:
        chosen = [times for k, times in results if kind in (k, "all")]
        print(f"  {kind:13} gateway        {figures([t['gateway'] for t in chosen])}")
        print(f"  {'':13} every process  {figures([max(t.values()) for t in chosen])}")
    slowest = {name: max(t[name] for _, t in results) for name in results[0][1]}
    print("  worst per process: " + ", ".join(f"{n} {s * 1000:.0f} ms" for n, s in slowest.items()))


if __name__ == "__main__":
    asyncio.run(main())
