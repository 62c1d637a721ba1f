"""Staff accounts, memberships, the user list and who may see whom."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from identity.settings import Settings
from servicekit.auth import Membership

from .support import ORG_ADMIN, PASSWORD, PHONE, Mint, Register, SignIn, bearer, rows


async def new_clinic(
    client: httpx.AsyncClient, mint: Mint, name: str = "Kibera Health Centre"
) -> str:
    body = {"name": name, "time_zone": "Africa/Nairobi"}
    response = await client.post("/v1/clinics", json=body, headers=mint(ORG_ADMIN))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def new_staff(
    client: httpx.AsyncClient, headers: dict[str, str], email: str, *grants: dict[str, Any]
) -> dict[str, Any]:
    body = {
        "full_name": email.split("@")[0].title(),
        "email": email,
        "password": PASSWORD,
        "memberships": list(grants),
    }
    response = await client.post("/v1/users", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_an_org_admin_creates_staff_with_roles(client: httpx.AsyncClient, mint: Mint) -> None:
    clinic = await new_clinic(client, mint)
    doctor = await new_staff(
        client,
        mint(ORG_ADMIN),
        "wanjiru@example.org",
        {"role": "provider", "clinic_id": clinic, "specialty": "paediatrics"},
    )
    assert doctor["kind"] == "staff"
    [membership] = doctor["memberships"]
    assert membership["role"] == "provider"
    assert membership["specialty"] == "paediatrics"


async def test_new_staff_sign_in_with_their_roles_in_the_token(
    client: httpx.AsyncClient, mint: Mint, sign_in: SignIn
) -> None:
    clinic = await new_clinic(client, mint)
    grant = {"role": "provider", "clinic_id": clinic, "specialty": "paediatrics"}
    await new_staff(client, mint(ORG_ADMIN), "wanjiru@example.org", grant)
    pair = await sign_in("wanjiru@example.org")
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert claims["roles"] == [{"role": "provider", "clinic_id": clinic}]


async def test_creating_staff_announces_the_account_and_its_roles(
    client: httpx.AsyncClient, mint: Mint, settings: Settings
) -> None:
    clinic = await new_clinic(client, mint)
    grant = {"role": "provider", "clinic_id": clinic, "specialty": "paediatrics"}
    await new_staff(client, mint(ORG_ADMIN), "wanjiru@example.org", grant)
    events = [
        e for (e,) in await rows(settings, "SELECT event_type FROM identity.outbox ORDER BY id")
    ]
    assert events == ["ClinicCreated", "UserRegistered", "MembershipGranted"]


@dataclass
class ClinicAdmin:
    """A clinic admin of `mine`, with a receptionist of it, and another clinic `theirs`."""

    headers: dict[str, str]
    mine: str
    theirs: str
    nurse: dict[str, Any]

    def memberships_of_nurse(self) -> str:
        return f"/v1/users/{self.nurse['id']}/memberships"


@pytest.fixture
async def clinic_admin(client: httpx.AsyncClient, mint: Mint) -> ClinicAdmin:
    mine, theirs = await new_clinic(client, mint, "Mine"), await new_clinic(client, mint, "Theirs")
    admin = mint(Membership("clinic_admin", uuid.UUID(mine)))
    nurse = await new_staff(
        client, admin, "nurse@example.org", {"role": "receptionist", "clinic_id": mine}
    )
    return ClinicAdmin(admin, mine, theirs, nurse)


async def test_a_clinic_admin_may_not_create_staff_of_another_clinic(
    client: httpx.AsyncClient, clinic_admin: ClinicAdmin
) -> None:
    elsewhere = {"role": "receptionist", "clinic_id": clinic_admin.theirs}
    refused = await client.post(
        "/v1/users",
        json={
            "full_name": "X",
            "email": "x@example.org",
            "password": PASSWORD,
            "memberships": [elsewhere],
        },
        headers=clinic_admin.headers,
    )
    assert refused.status_code == 403


async def test_a_clinic_admin_may_not_grant_org_admin(
    client: httpx.AsyncClient, clinic_admin: ClinicAdmin
) -> None:
    promote = await client.post(
        clinic_admin.memberships_of_nurse(),
        json={"role": "org_admin"},
        headers=clinic_admin.headers,
    )
    assert promote.status_code == 403


async def test_a_clinic_admin_grants_a_clinic_role_in_their_clinic_once(
    client: httpx.AsyncClient, clinic_admin: ClinicAdmin
) -> None:
    body = {"role": "clinic_admin", "clinic_id": clinic_admin.mine}
    path, headers = clinic_admin.memberships_of_nurse(), clinic_admin.headers
    assert (await client.post(path, json=body, headers=headers)).status_code == 201
    assert (await client.post(path, json=body, headers=headers)).status_code == 409


async def test_memberships_are_granted_and_revoked_with_events_and_audit(
    client: httpx.AsyncClient, mint: Mint, settings: Settings
) -> None:
    clinic = await new_clinic(client, mint)
    user = await new_staff(client, mint(ORG_ADMIN), "staff@example.org")
    granted = await client.post(
        f"/v1/users/{user['id']}/memberships",
        json={"role": "provider", "clinic_id": clinic},
        headers=mint(ORG_ADMIN),
    )
    assert granted.status_code == 201
    listed = await client.get(f"/v1/users/{user['id']}/memberships", headers=mint(ORG_ADMIN))
    assert [m["role"] for m in listed.json()] == ["provider"]
    revoked = await client.delete(
        f"/v1/users/{user['id']}/memberships/{granted.json()['id']}", headers=mint(ORG_ADMIN)
    )
    assert revoked.status_code == 204
    events = await rows(
        settings,
        "SELECT event_type, envelope->'payload'->>'role' FROM identity.outbox "
        "WHERE event_type LIKE 'Membership%' ORDER BY id",
    )
    assert events == [("MembershipGranted", "provider"), ("MembershipRevoked", "provider")]
    actions = await rows(
        settings,
        "SELECT action FROM identity.audit_events WHERE action LIKE 'membership.%' ORDER BY seq",
    )
    assert actions == [("membership.granted",), ("membership.revoked",)]


async def test_a_revoked_membership_is_gone(client: httpx.AsyncClient, mint: Mint) -> None:
    clinic = await new_clinic(client, mint)
    user = await new_staff(
        client, mint(ORG_ADMIN), "staff@example.org", {"role": "provider", "clinic_id": clinic}
    )
    path = f"/v1/users/{user['id']}/memberships/{user['memberships'][0]['id']}"
    assert (await client.delete(path, headers=mint(ORG_ADMIN))).status_code == 204
    missing = await client.delete(path, headers=mint(ORG_ADMIN))
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("grantee", "body", "status"),
    [
        ("staff", {"role": "provider"}, 422),  # a clinic role needs a clinic
        ("staff", {"role": "org_admin", "clinic_id": str(uuid.uuid4())}, 422),
        ("staff", {"role": "receptionist", "clinic_id": str(uuid.uuid4())}, 422),
        ("staff", {"role": "janitor", "clinic_id": str(uuid.uuid4())}, 422),
        ("patient", {"role": "org_admin"}, 409),  # patients hold no staff roles
        ("nobody", {"role": "org_admin"}, 404),
    ],
)
async def test_bad_membership_grants_are_refused(
    client: httpx.AsyncClient,
    mint: Mint,
    register: Register,
    grantee: str,
    body: dict[str, Any],
    status: int,
) -> None:
    if grantee == "staff":
        user_id = (await new_staff(client, mint(ORG_ADMIN), "staff@example.org"))["id"]
    else:
        user_id = (await register())["id"] if grantee == "patient" else str(uuid.uuid4())
    response = await client.post(
        f"/v1/users/{user_id}/memberships", json=body, headers=mint(ORG_ADMIN)
    )
    assert response.status_code == status, (body, response.text)
    assert response.headers["content-type"] == "application/problem+json"


@pytest.fixture
async def patient(register: Register, sign_in: SignIn) -> dict[str, str]:
    """A signed-in patient's headers."""
    await register()
    return bearer(await sign_in(PHONE))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/users", None),
        ("POST", "/v1/users", {"full_name": "X", "email": "x@example.org", "password": PASSWORD}),
        ("POST", "/v1/clinics", {"name": "X", "time_zone": "UTC"}),
    ],
)
async def test_a_patient_gets_403_on_admin_routes(
    client: httpx.AsyncClient,
    patient: dict[str, str],
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    response = await client.request(method, path, json=body, headers=patient)
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "suffix"), [("GET", ""), ("POST", "/deactivate")])
async def test_a_patient_gets_404_on_other_patients(
    client: httpx.AsyncClient, register: Register, patient: dict[str, str], method: str, suffix: str
) -> None:
    other = await register(phone="+254722000000")
    response = await client.request(method, f"/v1/users/{other['id']}{suffix}", headers=patient)
    assert response.status_code == 404


async def test_a_patient_reads_their_own_account(
    client: httpx.AsyncClient, sign_in: SignIn, register: Register
) -> None:
    me = await register()
    headers = bearer(await sign_in(PHONE))
    assert (await client.get(f"/v1/users/{me['id']}", headers=headers)).status_code == 200


@pytest.fixture
async def listed_clinic(client: httpx.AsyncClient, mint: Mint, register: Register) -> str:
    """A clinic with three providers (ann, ben, cal), and five patients of the network."""
    clinic = await new_clinic(client, mint)
    for number in range(5):
        await register(phone=f"+25471100000{number}", full_name=f"Patient {number}")
    for name in ("ann", "ben", "cal"):
        await new_staff(
            client,
            mint(ORG_ADMIN),
            f"{name}@example.org",
            {"role": "provider", "clinic_id": clinic},
        )
    return clinic


async def test_the_user_list_pages_oldest_first(
    client: httpx.AsyncClient, mint: Mint, listed_clinic: str
) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"kind": "patient", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/users", params=params, headers=mint(ORG_ADMIN))).json()
        seen += [user["full_name"] for user in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Patient {n}" for n in range(5)]


async def test_the_user_list_filters_by_role_and_clinic(
    client: httpx.AsyncClient, mint: Mint, listed_clinic: str
) -> None:
    params = {"role": "provider", "clinic_id": listed_clinic}
    providers = await client.get("/v1/users", params=params, headers=mint(ORG_ADMIN))
    assert [u["email"] for u in providers.json()["items"]] == [
        "ann@example.org",
        "ben@example.org",
        "cal@example.org",
    ]


async def test_the_user_list_searches_contact_details(
    client: httpx.AsyncClient, mint: Mint, listed_clinic: str
) -> None:
    search = await client.get("/v1/users", params={"q": "ben@"}, headers=mint(ORG_ADMIN))
    assert [u["email"] for u in search.json()["items"]] == ["ben@example.org"]


@pytest.mark.parametrize(
    ("params", "status"), [({"cursor": "nonsense"}, 400), ({"limit": 1000}, 422)]
)
async def test_the_user_list_refuses_a_bad_cursor_or_limit(
    client: httpx.AsyncClient, mint: Mint, params: dict[str, Any], status: int
) -> None:
    response = await client.get("/v1/users", params=params, headers=mint(ORG_ADMIN))
    assert response.status_code == status


@dataclass
class Receptionist:
    """A receptionist of `mine`, a colleague there and a provider of `theirs`."""

    headers: dict[str, str]
    mine: str
    theirs: str
    colleague: dict[str, Any]
    stranger: dict[str, Any]


@pytest.fixture
async def receptionist(client: httpx.AsyncClient, mint: Mint, register: Register) -> Receptionist:
    mine, theirs = await new_clinic(client, mint, "Mine"), await new_clinic(client, mint, "Theirs")
    await register()
    colleague = await new_staff(
        client, mint(ORG_ADMIN), "col@example.org", {"role": "provider", "clinic_id": mine}
    )
    stranger = await new_staff(
        client, mint(ORG_ADMIN), "str@example.org", {"role": "provider", "clinic_id": theirs}
    )
    headers = mint(Membership("receptionist", uuid.UUID(mine)))
    return Receptionist(headers, mine, theirs, colleague, stranger)


async def test_receptionists_list_patients_and_their_colleagues(
    client: httpx.AsyncClient, receptionist: Receptionist
) -> None:
    listed = await client.get("/v1/users", headers=receptionist.headers)
    kinds = sorted((u["kind"], u["email"]) for u in listed.json()["items"])
    assert kinds == [("patient", None), ("staff", "col@example.org")]


async def test_receptionists_see_colleagues_but_not_staff_of_other_clinics(
    client: httpx.AsyncClient, receptionist: Receptionist
) -> None:
    headers = receptionist.headers
    colleague = await client.get(f"/v1/users/{receptionist.colleague['id']}", headers=headers)
    assert colleague.status_code == 200
    stranger = await client.get(f"/v1/users/{receptionist.stranger['id']}", headers=headers)
    assert stranger.status_code == 404


@pytest.mark.parametrize(
    ("who", "clinic", "expected"),
    [
        # Naming a clinic they do not work at (or one that does not exist) is 403, not a page
        # with nobody on it; their own clinic lists its staff; org admins may name any.
        ("receptionist", "theirs", (403, [])),
        ("receptionist", "unknown", (403, [])),
        ("receptionist", "mine", (200, ["col@example.org"])),
        ("org_admin", "theirs", (200, ["str@example.org"])),
        ("org_admin", "unknown", (200, [])),
    ],
)
async def test_the_clinic_filter_stays_in_the_callers_clinics(
    client: httpx.AsyncClient,
    mint: Mint,
    receptionist: Receptionist,
    who: str,
    clinic: str,
    expected: tuple[int, list[str]],
) -> None:
    headers = receptionist.headers if who == "receptionist" else mint(ORG_ADMIN)
    clinic_id = {"mine": receptionist.mine, "theirs": receptionist.theirs}.get(clinic)
    params = {"clinic_id": clinic_id or str(uuid.uuid4())}
    response = await client.get("/v1/users", params=params, headers=headers)
    items = response.json().get("items", []) if response.status_code == 200 else []
    assert (response.status_code, [u["email"] for u in items]) == expected


async def test_patients_update_their_profile_and_a_user_updated_event_follows(
    client: httpx.AsyncClient, patient: dict[str, str], settings: Settings
) -> None:
    response = await client.patch(
        "/v1/me",
        json={"preferred_language": "sw", "consent": {"sms": True, "whatsapp": True}},
        headers=patient,
    )
    assert response.status_code == 200
    assert response.json()["preferred_language"] == "sw"
    unchanged = await client.patch("/v1/me", json={"preferred_language": "sw"}, headers=patient)
    assert unchanged.status_code == 200
    [(payload,)] = await rows(
        settings,
        "SELECT envelope->'payload' FROM identity.outbox WHERE event_type = 'UserUpdated'",
    )
    assert payload["preferred_language"] == "sw"
    assert payload["consent"] == {"sms": True, "whatsapp": True}


async def test_patients_may_not_change_what_kind_of_account_they_hold(
    client: httpx.AsyncClient, patient: dict[str, str]
) -> None:
    taken = await client.patch("/v1/me", json={"kind": "staff"}, headers=patient)
    assert taken.status_code == 422


@pytest.fixture
async def clinic_admin_signed_in(
    client: httpx.AsyncClient, mint: Mint, sign_in: SignIn
) -> tuple[dict[str, str], dict[str, Any]]:
    """A signed-in clinic admin's headers, and their account."""
    clinic = await new_clinic(client, mint)
    admin = await new_staff(
        client, mint(ORG_ADMIN), "adm@example.org", {"role": "clinic_admin", "clinic_id": clinic}
    )
    return bearer(await sign_in("adm@example.org")), admin


async def test_clinic_admins_cannot_deactivate_themselves(
    client: httpx.AsyncClient, clinic_admin_signed_in: tuple[dict[str, str], dict[str, Any]]
) -> None:
    headers, admin = clinic_admin_signed_in
    response = await client.post(f"/v1/users/{admin['id']}/deactivate", headers=headers)
    assert response.status_code == 403


async def test_clinic_admins_cannot_deactivate_org_admins(
    client: httpx.AsyncClient,
    mint: Mint,
    clinic_admin_signed_in: tuple[dict[str, str], dict[str, Any]],
) -> None:
    headers, _ = clinic_admin_signed_in
    boss = await new_staff(client, mint(ORG_ADMIN), "boss@example.org", {"role": "org_admin"})
    # boss is staff in no clinic of theirs: invisible, hence 404
    response = await client.post(f"/v1/users/{boss['id']}/deactivate", headers=headers)
    assert response.status_code == 404
