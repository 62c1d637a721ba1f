"""The pull: a clinic's working set for its front desk devices, whole or since a cursor.

The cursor holds the clinic, the oldest transaction still running when it was made (every
change from that transaction on is sent again: a change committed after the pull is never
lost, one seen twice is only upserted twice), when it was made, and the window it covered.
A moved window (a new day) brings the days that entered it and tombstones those that left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
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
Window = tuple[datetime, datetime]
Rows = Callable[..., Awaitable[list[Any]]]
_WINDOWED: dict[str, tuple[Rows, Callable[[Any], Any], str]] = {
    "appointment": (repository.appointments, appointment, "appointments"),
    "shift": (repository.shifts, shift, "shifts"),
    "leave": (repository.leave, leave, "leave"),
}
"""Rows of the pull's window: each entity's read, body and list in the working set."""


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
    return {
        **_heading(clinic, "changes" if since else "snapshot", horizon, now, window),
        **body,
        **await _bookable(session, clinic, kinds, specialties, window, now),
        "open_conflicts": await repository.open_conflicts(session, clinic_id=clinic_id),
    }


def _heading(
    clinic: Clinic, kind: str, horizon: int, now: datetime, window: Window
) -> dict[str, Any]:
    """What the pull is, its next cursor, and the clinic it is of."""
    return {
        "kind": kind,
        "cursor": encode_cursor(
            clinic.id, horizon, now.isoformat(), *(w.isoformat() for w in window)
        ),
        "server_time": now.isoformat()[:19] + "Z",
        "window": {"from": window[0].isoformat(), "to": window[1].isoformat()},
        "clinic": {
            "id": str(clinic.id),
            "name": clinic.name,
            "time_zone": clinic.time_zone,
            "booking_policy": clinic.booking_policy,
        },
    }


async def _bookable(
    session: AsyncSession,
    clinic: Clinic,
    kinds: list[Any],
    specialties: dict[UUID, str | None],
    window: Window,
    now: datetime,
) -> dict[str, Any]:
    """Reserved time, and the free starts from now on: sent whole with every pull."""
    allotments = await in_window(session, clinic_id=clinic.id, window=window)
    free, reserved = await availability(
        session,
        clinic_id=clinic.id,
        time_zone=clinic.time_zone,
        kinds=kinds,
        specialties=specialties,
        window=(max(now, window[0]), window[1]),
        now=now,
    )
    return {
        "allotments": [a.model_dump(mode="json") for a in allotments],
        "availability": free,
        "reserved": reserved,
    }


async def _snapshot(session: AsyncSession, clinic: Clinic, window: Window) -> dict[str, Any]:
    clinic_id = clinic.id
    kinds = await repository.types(session, clinic_id=clinic_id)
    providers = await repository.providers(session, clinic_id=clinic_id)
    rooms = await repository.rooms(session, clinic_id=clinic_id)
    shifts = await repository.shifts(session, clinic_id=clinic_id, window=window)
    leaves = await repository.leave(session, clinic_id=clinic_id, window=window)
    patients = await repository.patients(session, clinic_id=clinic_id)
    visits = await repository.appointments(session, clinic_id=clinic_id, window=window)
    return {
        "types": [kind(r) for r in kinds],
        "rooms": [room(r) for r in rooms],
        "providers": [provider(r) for r in providers],
        "shifts": [shift(r) for r in shifts],
        "leave": [leave(r) for r in leaves],
        "patients": [patient(r) for r in patients],
        "appointments": [appointment(r) for r in visits],
        "tombstones": [],
        "_kinds": kinds,
        "_specialties": {r["id"]: r["specialty"] for r in providers},
    }


@dataclass
class _Delta:
    """What changed since a cursor, and the rows the device must delete."""

    changed: dict[str, set[UUID]]
    gone: list[dict[str, str]] = field(default_factory=list)

    def ids(self, entity: str) -> set[UUID]:
        """The entity's changed ids."""
        return self.changed.get(entity, set())

    def keep(self, entity: str, rows: list[Any], out: Callable[[Any], Any]) -> list[Any]:
        """The rows as sent; a changed row not among them (no longer the clinic's, or the
        window's) is gone for the device."""
        found = {str(r["id"]) for r in rows}  # appointments' ids come as text
        named = {str(i) for i in self.ids(entity)}
        self.gone.extend({"entity": entity, "id": i} for i in sorted(named - found))
        return [out(r) for r in rows]

    def tombstones(self) -> list[dict[str, str]]:
        """What went, each row once."""
        return list({(g["entity"], g["id"]): g for g in self.gone}.values())


async def _changes(
    session: AsyncSession, clinic: Clinic, window: Window, since: Since
) -> dict[str, Any]:
    clinic_id = clinic.id
    delta = _Delta(await repository.changed_since(session, clinic_id=clinic_id, txid=since.txid))
    kinds = await repository.types(session, clinic_id=clinic_id)
    body: dict[str, Any] = {
        "types": delta.keep("type", [r for r in kinds if r["id"] in delta.ids("type")], kind)
    }
    rooms = await repository.rooms(session, clinic_id=clinic_id, ids=delta.ids("room"))
    body["rooms"] = delta.keep("room", rooms, room)
    providers = await repository.providers(session, clinic_id=clinic_id)
    new_staff = delta.ids("provider")
    body["providers"] = delta.keep(
        "provider", [r for r in providers if r["id"] in new_staff], provider
    )
    patients = await repository.patients(session, clinic_id=clinic_id, ids=delta.ids("patient"))
    body["patients"] = delta.keep("patient", patients, patient)
    body |= await _windowed(session, clinic_id, window, since, delta, new_staff)
    body["tombstones"] = delta.tombstones()
    body["_kinds"] = kinds
    body["_specialties"] = {r["id"]: r["specialty"] for r in providers}
    return body


async def _windowed(
    session: AsyncSession,
    clinic_id: UUID,
    window: Window,
    since: Since,
    delta: _Delta,
    new_staff: set[UUID],
) -> dict[str, Any]:
    """Changed rows of the window; a moved window adds the days that entered it and tombstones
    those that left."""
    body: dict[str, Any] = {}
    for entity, (read, out, listed) in _WINDOWED.items():
        extra = {"staff": new_staff} if entity == "leave" else {}
        rows = await read(
            session, clinic_id=clinic_id, window=window, ids=delta.ids(entity), **extra
        )
        if since.window != window:
            entered = await read(session, clinic_id=clinic_id, window=window, old=since.window)
            rows = list({r["id"]: r for r in [*rows, *entered]}.values())
            left = await read(session, clinic_id=clinic_id, window=since.window, old=window)
            delta.gone.extend({"entity": entity, "id": str(r["id"])} for r in left)
        body[listed] = delta.keep(entity, rows, out)
    return body
