"""Who sees which messages: GET /v1/notifications and one notification with its history.

Patients see their own messages (at any clinic they name), and a filter naming another patient
is 403; staff see their clinics' messages, and naming a clinic they do not work at (or one that
does not exist) is 403, never an empty page; one message that the caller may not see is 404,
whoever owns it.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from notify.messages.models import Message
from servicekit.auth import Membership
from servicekit.runtime import ServiceRuntime
from servicekit.testing.issuer import TokenIssuer
from sqlalchemy import update

from .support import Clinic, org_admin


async def list_all(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[Any]:
    response = await client.get("/v1/notifications", headers=headers, params=params)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


# --- a patient's own messages --------------------------------------------------------------


@pytest.fixture
async def amina_and_baraka(clinic: Clinic) -> tuple[uuid.UUID, uuid.UUID]:
    """Two patients of the clinic, each with a booking and its messages."""
    amina, baraka = await clinic.patient(), await clinic.patient()
    await clinic.apply(clinic.booked(amina), clinic.booked(baraka))
    return amina, baraka


async def test_a_patient_sees_only_their_own_messages(
    client: httpx.AsyncClient, clinic: Clinic, amina_and_baraka: tuple[uuid.UUID, uuid.UUID]
) -> None:
    amina, _ = amina_and_baraka

    mine = await list_all(client, clinic.patient_headers(amina))

    assert mine
    assert {m["patient_id"] for m in mine} == {str(amina)}


async def test_a_patient_naming_themselves_sees_the_same_messages(
    client: httpx.AsyncClient, clinic: Clinic, amina_and_baraka: tuple[uuid.UUID, uuid.UUID]
) -> None:
    amina, _ = amina_and_baraka
    own = clinic.patient_headers(amina)
    mine = await list_all(client, own)

    assert await list_all(client, own, patient_id=str(amina)) == mine


async def test_a_patient_naming_a_clinic_sees_their_own_messages_there(
    client: httpx.AsyncClient, clinic: Clinic, amina_and_baraka: tuple[uuid.UUID, uuid.UUID]
) -> None:
    amina, _ = amina_and_baraka
    own = clinic.patient_headers(amina)
    mine = await list_all(client, own)

    assert await list_all(client, own, clinic_id=str(clinic.id)) == mine
    assert await list_all(client, own, clinic_id=str(uuid.uuid4())) == []  # none there


async def test_a_patient_naming_another_patient_is_403(
    client: httpx.AsyncClient, clinic: Clinic, amina_and_baraka: tuple[uuid.UUID, uuid.UUID]
) -> None:
    amina, baraka = amina_and_baraka

    someone_else = await client.get(
        "/v1/notifications",
        headers=clinic.patient_headers(amina),
        params={"patient_id": str(baraka)},
    )

    assert someone_else.status_code == 403
    assert someone_else.headers["content-type"] == "application/problem+json"


async def test_another_patients_message_is_404_to_a_patient(
    client: httpx.AsyncClient, clinic: Clinic, amina_and_baraka: tuple[uuid.UUID, uuid.UUID]
) -> None:
    amina, baraka = amina_and_baraka
    [theirs, *_] = await list_all(client, clinic.receptionist(), patient_id=str(baraka))

    response = await client.get(
        f"/v1/notifications/{theirs['id']}", headers=clinic.patient_headers(amina)
    )

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_one_message_shows_its_history_and_a_masked_phone(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime
) -> None:
    patient = await clinic.patient()
    booked = clinic.booked(patient)
    await clinic.apply(booked)
    [message, *_] = await clinic.messages(booked.appointment_id)
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Message).where(Message.id == message.id).values(to_phone="+254712345678")
        )

    response = await client.get(
        f"/v1/notifications/{message.id}", headers=clinic.patient_headers(patient)
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["appointment_id"] == str(booked.appointment_id)
    assert body["status"] == "scheduled"
    assert body["to"] == "+*********678"
    assert [step["status"] for step in body["history"]] == ["scheduled"]


# --- staff and their clinics ---------------------------------------------------------------


@pytest.fixture
async def two_bookings(clinic: Clinic) -> tuple[uuid.UUID, uuid.UUID]:
    """Two appointments of one patient at the clinic, with their messages planned."""
    patient = await clinic.patient()
    first, second = clinic.booked(patient), clinic.booked(patient)
    await clinic.apply(first, second)
    return first.appointment_id, second.appointment_id


async def test_staff_see_all_their_clinics_messages(
    client: httpx.AsyncClient, clinic: Clinic, two_bookings: tuple[uuid.UUID, uuid.UUID]
) -> None:
    everything = await list_all(client, clinic.receptionist())

    assert len(everything) == len(await clinic.messages())


async def test_staff_filter_by_appointment(
    client: httpx.AsyncClient, clinic: Clinic, two_bookings: tuple[uuid.UUID, uuid.UUID]
) -> None:
    first, _ = two_bookings

    about_first = await list_all(client, clinic.receptionist(), appointment_id=str(first))

    assert {m["appointment_id"] for m in about_first} == {str(first)}


async def test_staff_filter_by_kind_and_status(
    client: httpx.AsyncClient, clinic: Clinic, two_bookings: tuple[uuid.UUID, uuid.UUID]
) -> None:
    staff = clinic.receptionist()

    confirmations = await list_all(client, staff, kind="confirmation", status="scheduled")

    assert {m["kind"] for m in confirmations} == {"confirmation"}
    assert len(confirmations) == 2


async def test_org_admins_see_what_the_clinics_staff_see(
    client: httpx.AsyncClient,
    clinic: Clinic,
    issuer: TokenIssuer,
    two_bookings: tuple[uuid.UUID, uuid.UUID],
) -> None:
    everything = await list_all(client, clinic.receptionist())

    assert len(await list_all(client, org_admin(issuer))) == len(everything)


@pytest.fixture
def elsewhere(issuer: TokenIssuer) -> dict[str, str]:
    """Headers of an admin of another clinic."""
    return issuer.headers(uuid.uuid4(), Membership("clinic_admin", uuid.uuid4()))


async def test_staff_of_another_clinic_see_none_of_its_messages(
    client: httpx.AsyncClient, clinic: Clinic, elsewhere: dict[str, str]
) -> None:
    await clinic.apply(clinic.booked(await clinic.patient()))

    assert await list_all(client, elsewhere) == []  # no filter: their own clinic's, none


@pytest.mark.parametrize("named", ["this clinic", "a clinic that does not exist"])
async def test_staff_naming_a_clinic_they_do_not_work_at_get_403(
    client: httpx.AsyncClient, clinic: Clinic, elsewhere: dict[str, str], named: str
) -> None:
    await clinic.apply(clinic.booked(await clinic.patient()))
    clinic_id = clinic.id if named == "this clinic" else uuid.uuid4()

    response = await client.get(
        "/v1/notifications", headers=elsewhere, params={"clinic_id": str(clinic_id)}
    )

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_staff_of_another_clinic_get_404_for_its_message(
    client: httpx.AsyncClient, clinic: Clinic, elsewhere: dict[str, str]
) -> None:
    await clinic.apply(clinic.booked(await clinic.patient()))
    [message, *_] = await clinic.messages()

    response = await client.get(f"/v1/notifications/{message.id}", headers=elsewhere)

    assert response.status_code == 404


async def test_an_org_admin_naming_an_unknown_clinic_gets_an_empty_page(
    client: httpx.AsyncClient, clinic: Clinic, issuer: TokenIssuer
) -> None:
    await clinic.apply(clinic.booked(await clinic.patient()))

    admin = org_admin(issuer)

    assert await list_all(client, admin, clinic_id=str(uuid.uuid4())) == []  # matches nothing


async def test_an_org_admin_naming_the_clinic_sees_all_its_messages(
    client: httpx.AsyncClient, clinic: Clinic, issuer: TokenIssuer
) -> None:
    await clinic.apply(clinic.booked(await clinic.patient()))

    admin = org_admin(issuer)

    assert len(await list_all(client, admin, clinic_id=str(clinic.id))) == len(
        await clinic.messages()
    )


# --- pages ---------------------------------------------------------------------------------


async def test_pages_go_newest_first_without_gaps(
    client: httpx.AsyncClient, clinic: Clinic
) -> None:
    patient = await clinic.patient()
    for _ in range(3):
        await clinic.apply(clinic.booked(patient))
    staff = clinic.receptionist()

    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/notifications", headers=staff, params=params)).json()
        seen += page["items"]
        if not (cursor := page["next_cursor"]):
            break

    assert len(seen) == len({m["id"] for m in seen}) == len(await clinic.messages())
    created = {m.id: m.created_at for m in await clinic.messages()}
    order = [created[uuid.UUID(m["id"])] for m in seen]
    assert order == sorted(order, reverse=True)


async def test_a_cursor_this_endpoint_did_not_give_is_400(
    client: httpx.AsyncClient, clinic: Clinic
) -> None:
    bad = await client.get(
        "/v1/notifications", headers=clinic.receptionist(), params={"cursor": "nonsense"}
    )

    assert bad.status_code == 400


async def test_listing_needs_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/notifications")).status_code == 401
