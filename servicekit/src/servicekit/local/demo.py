"""A demo clinic network for the local stack: an org admin, two clinics, staff, their weekly
shifts and a patient.

Seeded once through the gateway, like any client would; the passwords are random, kept in
<state>/demo-logins.json (mode 0600) and printed at start, so a fresh stack can be tried at once.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from servicekit.local.stack import write_private

ADMIN = "admin@demo.clinic"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
CLINICS = (("Kibera Health Centre", "Africa/Nairobi"), ("Kisumu Lakeside Clinic", "Africa/Nairobi"))
STAFF = (
    ("clinic.admin@demo.clinic", "Grace Clinic-Admin", "clinic_admin", None),
    ("dr.otieno@demo.clinic", "Dr Peter Otieno", "provider", "general practice"),
    ("reception@demo.clinic", "Faith Reception", "receptionist", None),
)
PATIENT = "+254700000001"
_LUNCH = [{"starts": "13:00", "ends": "14:00"}]
APPOINTMENT_TYPES = (
    {"name": "General consultation", "duration_minutes": 20, "buffer_after_minutes": 5},
    {"name": "Antenatal check", "duration_minutes": 30, "specialties": ["general practice"]},
)
ROSTER = (
    (
        "dr.otieno@demo.clinic",
        [
            *({"day": d, "starts": "08:00", "ends": "17:00", "breaks": _LUNCH} for d in WEEKDAYS),
            {"day": "sat", "starts": "09:00", "ends": "13:00"},
        ],
    ),
    (
        "reception@demo.clinic",
        [{"day": d, "starts": "07:30", "ends": "16:30", "breaks": _LUNCH} for d in WEEKDAYS],
    ),
)


def demo_logins(state_dir: Path) -> dict[str, str]:
    """The demo usernames and passwords, made up on first use."""
    path = state_dir / "demo-logins.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    logins = {name: secrets.token_urlsafe(12) for name in (ADMIN, *(s[0] for s in STAFF), PATIENT)}
    write_private(path, json.dumps(logins, indent=2))
    return logins


def create_admin(env: Mapping[str, str], password: str) -> None:
    """The first organisation admin, through identity's own command."""
    command = [sys.executable, "-m", "identity", "create-admin", "--email", ADMIN]
    subprocess.run(
        [*command, "--name", "Demo Admin", "--if-missing"],
        env={**env, "IDENTITY_ADMIN_PASSWORD": password},
        check=True,
        capture_output=True,
        timeout=120,
    )


async def seed(gateway: str, logins: Mapping[str, str]) -> bool:
    """Clinics, staff and a patient, unless the network has clinics already; True if seeded."""
    async with httpx.AsyncClient(base_url=gateway, timeout=30.0, trust_env=False) as client:
        admin = await _headers(client, ADMIN, logins[ADMIN])
        existing = await client.get("/v1/clinics", headers=admin)
        existing.raise_for_status()
        if existing.json()["items"]:
            return False
        clinics = [
            await _post(client, "/v1/clinics", {"name": n, "time_zone": z}, admin)
            for n, z in CLINICS
        ]
        for email, name, role, specialty in STAFF:
            grant: dict[str, Any] = {"role": role, "clinic_id": clinics[0]["id"]}
            if specialty:
                grant["specialty"] = specialty
            body = {"full_name": name, "email": email, "password": logins[email]}
            await _post(client, "/v1/users", {**body, "memberships": [grant]}, admin)
        patient = {
            "full_name": "Amina Demo-Patient",
            "phone": PATIENT,
            "password": logins[PATIENT],
            "consent": {"sms": True, "whatsapp": False},
        }
        await _post(client, "/v1/auth/register", patient, {})
        await _seed_roster(client, admin, clinics[0]["id"])
        for kind in APPOINTMENT_TYPES:
            await _post_when_known(
                client, "/v1/appointment-types", {"clinic_id": clinics[0]["id"], **kind}, admin
            )
    return True


async def _seed_roster(client: httpx.AsyncClient, admin: dict[str, str], clinic_id: str) -> None:
    """Weekly hours for the provider and the receptionist of the first clinic."""
    staff = (await client.get("/v1/users", params={"kind": "staff"}, headers=admin)).json()
    ids = {user["email"]: user["id"] for user in staff["items"]}
    for email, weekly in ROSTER:
        template: dict[str, Any] = {
            "clinic_id": clinic_id,
            "staff_id": ids[email],
            "role": next(role for e, _, role, _ in STAFF if e == email),
            "valid_from": "2026-01-05",
            "weekly": weekly,
        }
        await _post_when_known(client, "/v1/shift-templates", template, admin)


async def _post_when_known(
    client: httpx.AsyncClient, path: str, body: Mapping[str, Any], headers: Mapping[str, str]
) -> None:
    # Shifts learns of new clinics and staff from identity's events a moment later.
    for _ in range(120):
        response = await client.post(path, json=dict(body), headers=dict(headers))
        if response.status_code not in (404, 422):
            break
        await asyncio.sleep(0.5)
    response.raise_for_status()


async def _headers(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await client.post(
        "/v1/auth/token", json={"username": username, "password": password}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _post(
    client: httpx.AsyncClient, path: str, body: Mapping[str, Any], headers: Mapping[str, str]
) -> dict[str, Any]:
    response = await client.post(path, json=dict(body), headers=dict(headers))
    response.raise_for_status()
    return dict(response.json())


def describe(logins: Mapping[str, str]) -> str:
    """The demo logins, for the start-up summary."""
    return "demo logins (POST /v1/auth/token):\n" + "\n".join(
        f"  {name:<28} {password}" for name, password in logins.items()
    )
