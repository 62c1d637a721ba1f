"""Who may read reports, what a bad request gets, and the CSV export."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
import pytest

from .activity import NairobiWeek
from .conftest import Headers

WEEK = {"from": "2026-02-23", "to": "2026-03-01"}
ROUTES = ("/v1/reports/summary", "/v1/reports/summary.csv")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("role", "own_clinic", "status"),
    [
        ("patient", False, 403),
        ("provider", True, 403),
        ("receptionist", True, 403),
        ("clinic_admin", True, 200),
        ("clinic_admin", False, 403),  # admin of another clinic
        ("org_admin", False, 200),
    ],
)
async def test_who_may_read_a_clinic_report(
    client: httpx.AsyncClient,
    as_role: Headers,
    route: str,
    role: str,
    own_clinic: bool,
    status: int,
) -> None:
    clinic = uuid.uuid4()
    caller_clinic = (
        clinic if own_clinic else (None if role in ("patient", "org_admin") else uuid.uuid4())
    )
    headers = as_role(role, caller_clinic)
    response = await client.get(route, params={"clinic": str(clinic), **WEEK}, headers=headers)
    assert response.status_code == status, response.text
    if status == 403:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:clinic:problem:forbidden"


@pytest.mark.parametrize("route", ROUTES)
async def test_anonymous_callers_get_401(client: httpx.AsyncClient, route: str) -> None:
    response = await client.get(route, params={"clinic": str(uuid.uuid4()), **WEEK})
    assert response.status_code == 401


async def test_org_admins_see_the_whole_network(
    client: httpx.AsyncClient, as_role: Headers, kibera: NairobiWeek
) -> None:
    network = await client.get("/v1/reports/summary", params=WEEK, headers=as_role("org_admin"))
    assert network.status_code == 200
    assert network.json()["clinic_id"] is None
    assert network.json()["totals"]["booked"] == 10


async def test_a_clinic_admin_must_name_the_clinic(
    client: httpx.AsyncClient, as_role: Headers, kibera: NairobiWeek
) -> None:
    admin = as_role("clinic_admin", kibera.clinic.id)
    refused = await client.get("/v1/reports/summary", params=WEEK, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["type"] == "urn:clinic:problem:clinic-required"


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ({"period": "year", **WEEK}, "validation-error"),
        ({"from": "2026-03-01", "to": "2026-02-23"}, "invalid-range"),
        ({"from": "2024-01-01", "to": "2026-01-02"}, "invalid-range"),  # over two years
        ({"from": "yesterday", "to": "2026-02-23"}, "validation-error"),
        ({"to": "2026-02-23"}, "validation-error"),
    ],
)
async def test_bad_periods_and_ranges_are_422(
    client: httpx.AsyncClient, as_role: Headers, query: dict[str, str], slug: str
) -> None:
    clinic = uuid.uuid4()
    headers = as_role("clinic_admin", clinic)
    response = await client.get(
        "/v1/reports/summary", params={"clinic": str(clinic), **query}, headers=headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith(slug)


async def test_two_years_is_the_longest_range(client: httpx.AsyncClient, as_role: Headers) -> None:
    clinic = uuid.uuid4()
    response = await client.get(
        "/v1/reports/summary",
        params={"clinic": str(clinic), "from": "2024-01-01", "to": "2025-12-31", "period": "month"},
        headers=as_role("clinic_admin", clinic),
    )
    assert response.status_code == 200
    assert len(response.json()["rows"]) == 24


async def test_the_csv_is_a_named_download(
    client: httpx.AsyncClient, as_role: Headers, kibera: NairobiWeek
) -> None:
    params = {"clinic": str(kibera.clinic.id), "period": "day", **WEEK}
    headers = as_role("clinic_admin", kibera.clinic.id)
    response = await client.get("/v1/reports/summary.csv", params=params, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="summary-day-2026-02-23-2026-03-01.csv"'
    )


async def test_the_csv_holds_the_same_figures(
    client: httpx.AsyncClient, as_role: Headers, kibera: NairobiWeek
) -> None:
    params = {"clinic": str(kibera.clinic.id), "period": "day", **WEEK}
    headers = as_role("clinic_admin", kibera.clinic.id)
    body = (await client.get("/v1/reports/summary", params=params, headers=headers)).json()
    response = await client.get("/v1/reports/summary.csv", params=params, headers=headers)
    lines = list(csv.DictReader(io.StringIO(response.text)))
    assert [line["period"] for line in lines] == [r["period"] for r in body["rows"]] + ["total"]
    assert list(lines[0]) == list(body["totals"])  # same columns, same order
    for line, row in zip(lines, [*body["rows"], body["totals"]], strict=True):
        assert line == {k: "" if v is None else str(v) for k, v in row.items()}
    assert lines[-1]["booked"] == "10"
    assert lines[-1]["utilisation"] == "0.09"
    assert lines[-2]["no_show_rate"] == ""  # Sunday: no visits, no rate
