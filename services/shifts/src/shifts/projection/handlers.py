"""Identity's events kept in the projection, and what they mean for the roster.

A clinic moving to another time zone regenerates its future shifts; a staff member who loses
a role at a clinic, or is deactivated, loses their future shifts (and templates) there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from clinic_contracts.envelope import EventEnvelope
from clinic_contracts.identity import (
    IDENTITY_TOPIC,
    ClinicCreated,
    ClinicUpdated,
    MembershipGranted,
    MembershipRevoked,
    UserDeactivated,
    UserRegistered,
    UserUpdated,
)
from clinic_contracts.registry import UnknownEventType, parse_event
from servicekit.localtime import local_day, zone
from servicekit.runtime import ServiceRuntime
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.projection import repository
from shifts.roster import repository as shifts
from shifts.roster.service import cancel_all
from shifts.templates import repository as templates
from shifts.templates.generation import sync_template

SHIFT_ROLES = frozenset({"clinic_admin", "provider", "receptionist"})


async def on_identity_event(session: AsyncSession, envelope: EventEnvelope) -> None:
    """Apply one identity event to the projection (and the roster, where it matters)."""
    try:
        event = parse_event(envelope)
    except UnknownEventType:
        return  # a newer event type than this code knows: nothing to keep from it
    match event:
        case ClinicCreated() | ClinicUpdated():
            previous = await repository.save_clinic(
                session, event.clinic_id, event.name, event.time_zone
            )
            if previous is not None and previous != event.time_zone:
                await _rezone(session, event.clinic_id, event.time_zone)
        case UserRegistered() | UserUpdated() if event.kind == "staff":
            await repository.save_staff(session, event.user_id, event.full_name)
        case UserDeactivated():
            await repository.deactivate_staff(session, event.user_id)
            await release(session, event.user_id)
        case MembershipGranted() if event.clinic_id and event.role in SHIFT_ROLES:
            await repository.grant_role(
                session, event.user_id, event.clinic_id, event.role, event.specialty
            )
        case MembershipRevoked() if event.clinic_id and event.role in SHIFT_ROLES:
            await repository.revoke_role(session, event.user_id, event.clinic_id, event.role)
            await release(session, event.user_id, clinic_id=event.clinic_id, role=event.role)


async def _rezone(session: AsyncSession, clinic_id: UUID, time_zone: str) -> None:
    # Generated shifts keep their wall-clock hours in the new zone; edited ones stay as set.
    now = datetime.now(UTC)
    for template in await templates.of_clinic(session, clinic_id):
        until = template.generated_until or local_day(now, zone(time_zone))
        await sync_template(
            session, template, time_zone, now=now, until=until, actor=None, strict=False
        )


async def release(
    session: AsyncSession, staff_id: UUID, *, clinic_id: UUID | None = None, role: str | None = None
) -> None:
    """Cancel a staff member's future shifts (at a clinic, in a role) and end their templates."""
    now = datetime.now(UTC)
    future = await shifts.scheduled_between(
        session, clinic_id=clinic_id, staff_id=staff_id, starts_after=now, role=role
    )
    await cancel_all(session, future, reason="staff_left", actor=None)
    owned = await (
        templates.of_clinic(session, clinic_id, staff_id=staff_id)
        if clinic_id is not None
        else templates.of_staff(session, staff_id)
    )
    for template in owned:
        if role is None or template.role == role:
            await session.delete(template)
    await session.flush()


def subscribe(runtime: ServiceRuntime) -> None:
    """Keep the identity projection from clinic.identity.v1."""
    runtime.consumer().subscribe({IDENTITY_TOPIC: on_identity_event})


__all__ = ["on_identity_event", "release", "subscribe"]
