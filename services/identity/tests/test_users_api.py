"""Staff accounts, memberships, the user list and who may see whom."""

from __future__ import annotations

import uuid

from servicekit.auth import Membership
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

ORG_ADMIN = Membership("org_admin")
PASSWORD = "a long enough passphrase"


async def rows(settings, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    engine = create_async_engine(settings.database_url.get_secret_value())
    async with engine.connect() as connection:
        result = [tuple(r) for r in await connection.execute(text(sql))]
    await engine.dispose()
    return result


async def new_clinic(client, mint, name: str = "Kibera Health Centre") -> str:  # type: ignore[no-untyped-def]
    body = {"name": name, "time_zone": "Africa/Nairobi"}
    response = await client.post("/v1/clinics", json=body, headers=mint(ORG_ADMIN))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def new_staff(client, headers, email: str, *grants: dict) -> dict:  # type: ignore[no-untyped-def, type-arg]
    body = {
        "full_name": email.split("@")[0].title(),
        "email": email,
        "password": PASSWORD,
        "memberships": list(grants),
    }
    response = await client.post("/v1/users", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_an_org_admin_creates_staff_with_roles_and_they_sign_in(
    client, mint, sign_in, settings
):
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

    pair = await sign_in("wanjiru@example.org")
    import jwt

    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert claims["roles"] == [{"role": "provider", "clinic_id": clinic}]
    events = [
        e for (e,) in await rows(settings, "SELECT event_type FROM identity.outbox ORDER BY id")
    ]
    assert events == ["ClinicCreated", "UserRegistered", "MembershipGranted"]


async def test_clinic_admins_manage_staff_of_their_own_clinics_only(client, mint):
    mine, theirs = await new_clinic(client, mint, "Mine"), await new_clinic(client, mint, "Theirs")
    admin = mint(Membership("clinic_admin", uuid.UUID(mine)))
    nurse = await new_staff(
        client, admin, "nurse@example.org", {"role": "receptionist", "clinic_id": mine}
    )
    elsewhere = {"role": "receptionist", "clinic_id": theirs}
    refused = await client.post(
        "/v1/users",
        json={
            "full_name": "X",
            "email": "x@example.org",
            "password": PASSWORD,
            "memberships": [elsewhere],
        },
        headers=admin,
    )
    assert refused.status_code == 403
    promote = await client.post(
        f"/v1/users/{nurse['id']}/memberships", json={"role": "org_admin"}, headers=admin
    )
    assert promote.status_code == 403
    granted = await client.post(
        f"/v1/users/{nurse['id']}/memberships",
        json={"role": "clinic_admin", "clinic_id": mine},
        headers=admin,
    )
    assert granted.status_code == 201
    again = await client.post(
        f"/v1/users/{nurse['id']}/memberships",
        json={"role": "clinic_admin", "clinic_id": mine},
        headers=admin,
    )
    assert again.status_code == 409


async def test_memberships_are_granted_and_revoked_with_events_and_audit(client, mint, settings):
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
    missing = await client.delete(
        f"/v1/users/{user['id']}/memberships/{granted.json()['id']}", headers=mint(ORG_ADMIN)
    )
    assert missing.status_code == 404
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


async def test_bad_membership_grants_are_refused(client, mint, register):
    patient = await register()
    staff = await new_staff(client, mint(ORG_ADMIN), "staff@example.org")
    cases = [
        (staff["id"], {"role": "provider"}, 422),  # a clinic role needs a clinic
        (staff["id"], {"role": "org_admin", "clinic_id": str(uuid.uuid4())}, 422),
        (staff["id"], {"role": "receptionist", "clinic_id": str(uuid.uuid4())}, 422),
        (staff["id"], {"role": "janitor", "clinic_id": str(uuid.uuid4())}, 422),
        (patient["id"], {"role": "org_admin"}, 409),  # patients hold no staff roles
        (str(uuid.uuid4()), {"role": "org_admin"}, 404),
    ]
    for user_id, body, status in cases:
        response = await client.post(
            f"/v1/users/{user_id}/memberships", json=body, headers=mint(ORG_ADMIN)
        )
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_patient_gets_403_on_admin_routes_and_404_on_other_patients(
    client, register, sign_in
):
    me = await register()
    other = await register(phone="+254722000000")
    pair = await sign_in("+254712345678")
    headers = {"Authorization": f"Bearer {pair['access_token']}"}

    assert (await client.get("/v1/users", headers=headers)).status_code == 403
    create = await client.post(
        "/v1/users",
        json={"full_name": "X", "email": "x@example.org", "password": PASSWORD},
        headers=headers,
    )
    assert create.status_code == 403
    clinic = await client.post(
        "/v1/clinics", json={"name": "X", "time_zone": "UTC"}, headers=headers
    )
    assert clinic.status_code == 403
    assert (await client.get(f"/v1/users/{other['id']}", headers=headers)).status_code == 404
    deactivate = await client.post(f"/v1/users/{other['id']}/deactivate", headers=headers)
    assert deactivate.status_code == 404
    assert (await client.get(f"/v1/users/{me['id']}", headers=headers)).status_code == 200


async def test_the_user_list_filters_and_pages(client, mint, register):
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
    seen, cursor = [], None
    while True:
        params = {"kind": "patient", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/users", params=params, headers=mint(ORG_ADMIN))).json()
        seen += [user["full_name"] for user in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Patient {n}" for n in range(5)]

    providers = await client.get(
        "/v1/users", params={"role": "provider", "clinic_id": clinic}, headers=mint(ORG_ADMIN)
    )
    assert [u["email"] for u in providers.json()["items"]] == [
        "ann@example.org",
        "ben@example.org",
        "cal@example.org",
    ]
    search = await client.get("/v1/users", params={"q": "ben@"}, headers=mint(ORG_ADMIN))
    assert [u["email"] for u in search.json()["items"]] == ["ben@example.org"]
    bad = await client.get("/v1/users", params={"cursor": "nonsense"}, headers=mint(ORG_ADMIN))
    assert bad.status_code == 400
    too_many = await client.get("/v1/users", params={"limit": 1000}, headers=mint(ORG_ADMIN))
    assert too_many.status_code == 422


async def test_receptionists_see_patients_and_their_colleagues_not_other_clinics(
    client, mint, register
):
    mine, theirs = await new_clinic(client, mint, "Mine"), await new_clinic(client, mint, "Theirs")
    await register()
    colleague = await new_staff(
        client, mint(ORG_ADMIN), "col@example.org", {"role": "provider", "clinic_id": mine}
    )
    stranger = await new_staff(
        client, mint(ORG_ADMIN), "str@example.org", {"role": "provider", "clinic_id": theirs}
    )
    receptionist = mint(Membership("receptionist", uuid.UUID(mine)))
    listed = await client.get("/v1/users", headers=receptionist)
    kinds = sorted((u["kind"], u["email"]) for u in listed.json()["items"])
    assert kinds == [("patient", None), ("staff", "col@example.org")]
    assert (
        await client.get(f"/v1/users/{colleague['id']}", headers=receptionist)
    ).status_code == 200
    assert (
        await client.get(f"/v1/users/{stranger['id']}", headers=receptionist)
    ).status_code == 404

    async def filtered(headers, clinic: str) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
        response = await client.get("/v1/users", params={"clinic_id": clinic}, headers=headers)
        items = response.json().get("items", []) if response.status_code == 200 else []
        return response.status_code, [u["email"] for u in items]

    # Naming a clinic they do not work at (or one that does not exist) is 403, not a page
    # with nobody on it; their own clinic lists its staff; org admins may name any.
    assert await filtered(receptionist, theirs) == (403, [])
    assert await filtered(receptionist, str(uuid.uuid4())) == (403, [])
    assert await filtered(receptionist, mine) == (200, ["col@example.org"])
    assert await filtered(mint(ORG_ADMIN), theirs) == (200, ["str@example.org"])
    assert await filtered(mint(ORG_ADMIN), str(uuid.uuid4())) == (200, [])


async def test_patients_update_their_profile_and_a_user_updated_event_follows(
    client, register, sign_in, settings
):
    await register()
    pair = await sign_in("+254712345678")
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    response = await client.patch(
        "/v1/me",
        json={"preferred_language": "sw", "consent": {"sms": True, "whatsapp": True}},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["preferred_language"] == "sw"
    unchanged = await client.patch("/v1/me", json={"preferred_language": "sw"}, headers=headers)
    assert unchanged.status_code == 200
    [(payload,)] = await rows(
        settings,
        "SELECT envelope->'payload' FROM identity.outbox WHERE event_type = 'UserUpdated'",
    )
    assert payload["preferred_language"] == "sw"
    assert payload["consent"] == {"sms": True, "whatsapp": True}
    taken = await client.patch("/v1/me", json={"kind": "staff"}, headers=headers)
    assert taken.status_code == 422


async def test_clinic_admins_cannot_deactivate_org_admins_or_themselves(client, mint, sign_in):
    clinic = await new_clinic(client, mint)
    boss = await new_staff(client, mint(ORG_ADMIN), "boss@example.org", {"role": "org_admin"})
    admin = await new_staff(
        client, mint(ORG_ADMIN), "adm@example.org", {"role": "clinic_admin", "clinic_id": clinic}
    )
    pair = await sign_in("adm@example.org")
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert (
        await client.post(f"/v1/users/{admin['id']}/deactivate", headers=headers)
    ).status_code == 403
    # boss is staff in no clinic of theirs: invisible, hence 404
    assert (
        await client.post(f"/v1/users/{boss['id']}/deactivate", headers=headers)
    ).status_code == 404
