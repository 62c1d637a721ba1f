"""The pull: a clinic's working set for its front desk devices, whole or since a cursor.

The cursor holds the clinic, the oldest transaction still running when it was made (every
change from that transaction on is sent again: a change committed after the pull is never
lost, one seen twice is only upserted twice), when it was made, and the window it covered.
A moved window (a new day) brings the days that entered it and tombstones those that left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from servicekit.auth import CLINIC_ADMIN, PROVIDER, RECEPTIONIST, Principal
from servicekit.localtime import instant, local_day, zone
from servicekit.pagination import BadCursor, decode_cursor, encode_cursor
from servicekit.problems import Forbidden
from sqlalchemy.ext.asyncio import AsyncSession

from booking.allotments.service import in_window
from booking.projection.models import Clinic
from booking.projection.repository import get_clinic
from booking.sync import repository
from booking.sync.availability import availability
from booking.sync.rows import appointment, kind, leave, patient, provider, room, shift

DAYS_BACK, DAYS_AHEAD = 7, 14
_WINDOWED = ("appointment", "shift", "leave")


@dataclass(frozen=True)
class Since:
    """What a readable, fresh cursor of this clinic says."""

    txid: int
    window: tuple[datetime, datetime]


def window_of(clinic: Clinic, now: datetime) -> tuple[datetime, datetime]:
    """[local midnight 7 days back, local midnight 14 days ahead) of the clinic's today."""
    tz = zone(clinic.time_zone)
    today = local_day(now, tz)
    midnight = datetime.min.time()
    return (
        instant(today - timedelta(days=DAYS_BACK), midnight, tz),
        instant(today + timedelta(days=DAYS_AHEAD), midnight, tz),
    )


def read_cursor(
    cursor: str | None, clinic_id: UUID, now: datetime, max_age: timedelta
) -> Since | None:
    """The cursor's starting point; None (a snapshot) when absent, foreign, stale or unreadable."""
    if not cursor:
        return None
    try:
        clinic, txid, made, start, end = decode_cursor(cursor, 5)
        since = Since(int(txid), (datetime.fromisoformat(start), datetime.fromisoformat(end)))
        fresh = now - datetime.fromisoformat(made) <= max_age
    except (BadCursor, ValueError, TypeError):
        return None
    return since if clinic == str(clinic_id) and fresh else None


async def pull(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID,
    cursor: str | None,
    max_age: timedelta,
) -> dict[str, Any]:
    """The working set of the clinic (snapshot), or what changed since `cursor` (changes)."""
    if not caller.has_role(clinic_id, RECEPTIONIST, CLINIC_ADMIN, PROVIDER):
        raise Forbidden("Only the clinic's staff pull its working set.")
    horizon = await repository.horizon(session)  # first: nothing after it can be missed
    clinic = await get_clinic(session, clinic_id)
    now = datetime.now(UTC)
    window = window_of(clinic, now)
    since = read_cursor(cursor, clinic_id, now, max_age)
    body = await (
        _changes(session, clinic, window, since) if since else _snapshot(session, clinic, window)
    )
    kinds = body.pop("_kinds")
    specialties = body.pop("_specialties")
    allotments = await in_window(session, clinic_id, *window)
    free, reserved = await availability(
        session,
        clinic_id=clinic_id,
        time_zone=clinic.time_zone,
        kinds=kinds,
        specialties=specialties,
        window=(max(now, window[0]), window[1]),
        now=now,
    )
    return {
        "kind": "changes" if since else "snapshot",
        "cursor": encode_cursor(
            clinic_id, horizon, now.isoformat(), *(w.isoformat() for w in window)
        ),
        "server_time": now.isoformat()[:19] + "Z",
        "window": {"from": window[0].isoformat(), "to": window[1].isoformat()},
        "clinic": {
            "id": str(clinic.id),
            "name": clinic.name,
            "time_zone": clinic.time_zone,
            "booking_policy": clinic.booking_policy,
        },
        **body,
        "allotments": [a.model_dump(mode="json") for a in allotments],
        "availability": free,
        "reserved": reserved,
        "open_conflicts": await repository.open_conflicts(session, clinic_id),
    }


async def _snapshot(
    session: AsyncSession, clinic: Clinic, window: tuple[datetime, datetime]
) -> dict[str, Any]:
    kinds = await repository.types(session, clinic.id)
    providers = await repository.providers(session, clinic.id)
    return {
        "types": [kind(r) for r in kinds],
        "rooms": [room(r) for r in await repository.rooms(session, clinic.id)],
        "providers": [provider(r) for r in providers],
        "shifts": [shift(r) for r in await repository.shifts(session, clinic.id, window)],
        "leave": [leave(r) for r in await repository.leave(session, clinic.id, window)],
        "patients": [patient(r) for r in await repository.patients(session, clinic.id)],
        "appointments": [
            appointment(r) for r in await repository.appointments(session, clinic.id, window)
        ],
        "tombstones": [],
        "_kinds": kinds,
        "_specialties": {r["id"]: r["specialty"] for r in providers},
    }


async def _changes(
    session: AsyncSession, clinic: Clinic, window: tuple[datetime, datetime], since: Since
) -> dict[str, Any]:
    changed = await repository.changed_since(session, clinic.id, since.txid)
    gone: list[dict[str, str]] = []
    moved = since.window != window
    body: dict[str, Any] = {}

    def keep(entity: str, rows: list[Any], out: Any) -> list[Any]:
        # A changed row that is no longer the clinic's (or the window's) is gone for the device.
        found = {str(r["id"]) for r in rows}  # appointments' ids come as text
        named = {str(i) for i in changed.get(entity, set())}
        gone.extend({"entity": entity, "id": i} for i in sorted(named - found))
        return [out(r) for r in rows]

    kinds = await repository.types(session, clinic.id)
    body["types"] = keep("type", [r for r in kinds if r["id"] in changed.get("type", set())], kind)
    body["rooms"] = keep(
        "room", await repository.rooms(session, clinic.id, changed.get("room", set())), room
    )
    providers = await repository.providers(session, clinic.id)
    new_staff = changed.get("provider", set())
    body["providers"] = keep("provider", [r for r in providers if r["id"] in new_staff], provider)
    body["patients"] = keep(
        "patient",
        await repository.patients(session, clinic.id, changed.get("patient", set())),
        patient,
    )
    reads: dict[str, tuple[Callable[..., Awaitable[list[Any]]], Callable[[Any], Any], Any]] = {
        "appointment": (repository.appointments, appointment, {}),
        "shift": (repository.shifts, shift, {}),
        "leave": (repository.leave, leave, {"staff": new_staff}),
    }
    for entity, (query, out, extra) in reads.items():
        rows = await query(session, clinic.id, window, changed.get(entity, set()), **extra)
        if moved:
            entered = await query(session, clinic.id, window, None, since.window)
            rows = list({r["id"]: r for r in [*rows, *entered]}.values())
            left = await query(session, clinic.id, since.window, None, window)
            gone.extend({"entity": entity, "id": str(r["id"])} for r in left)
        listed = "leave" if entity == "leave" else f"{entity}s"
        body[listed] = keep(entity, rows, out)
    body["tombstones"] = list({(g["entity"], g["id"]): g for g in gone}.values())
    body["_kinds"] = kinds
    body["_specialties"] = {r["id"]: r["specialty"] for r in providers}
    return body
