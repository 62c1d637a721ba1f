"""A clinic with providers on daily shifts, written straight into booking's projection: the
identity and shifts events booking would have consumed, applied by its own handler."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import Any


def clinic_events(clinic: uuid.UUID, name: str, time_zone: str) -> list[Any]:
    """The clinic as identity announces it."""
    from clinic_contracts.identity import ClinicCreated

    return [ClinicCreated(clinic_id=clinic, name=name, time_zone=time_zone)]


def provider_events(
    clinic: uuid.UUID,
    provider: uuid.UUID,
    full_name: str,
    days: Iterable[date],
    hours: tuple[int, int],
    time_zone: str,
) -> list[Any]:
    """A provider of `clinic` with one shift of `hours` (local, whole hours) on each day."""
    from clinic_contracts.identity import MembershipGranted, UserRegistered
    from clinic_contracts.shifts import ShiftScheduled
    from servicekit.localtime import instant, zone

    tz = zone(time_zone)
    events: list[Any] = [
        UserRegistered(user_id=provider, kind="staff", full_name=full_name),
        MembershipGranted(user_id=provider, clinic_id=clinic, role="provider"),
    ]
    events += [
        ShiftScheduled(
            shift_id=uuid.uuid4(),
            clinic_id=clinic,
            staff_id=provider,
            role="provider",
            starts_at=instant(day, time(hours[0]), tz),
            ends_at=instant(day, time(hours[1]), tz),
            local_date=day.isoformat(),
            time_zone=time_zone,
        )
        for day in days
    ]
    return events


async def apply_to_booking(database_url: str, events: Sequence[Any]) -> None:
    """Booking's projection handler over `events`, in one transaction."""
    from booking.projection.handlers import on_event
    from clinic_contracts.envelope import new_envelope
    from servicekit.db import create_engine, session_factory

    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            for event in events:
                await on_event(session, new_envelope(event, producer="bench"))
    finally:
        await engine.dispose()
