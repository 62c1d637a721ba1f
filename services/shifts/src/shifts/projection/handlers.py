"""Identity's events kept in the projection, and what they mean for the roster.

A clinic moving to another time zone regenerates its future shifts; a staff member who loses
a role at a clinic, or is deactivated, loses their future shifts (and templates) there.
"""

from __future__ import annotations

from clinic_contracts.envelope import Event, EventEnvelope
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
from servicekit.runtime import ServiceRuntime
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.projection import repository
from shifts.projection.service import release, rezone

SHIFT_ROLES = frozenset({"clinic_admin", "provider", "receptionist"})


async def on_identity_event(session: AsyncSession, event: Event, envelope: EventEnvelope) -> None:
    """Apply one identity event to the projection (and the roster, where it matters)."""
    match event:
        case ClinicCreated() | ClinicUpdated():
            previous = await repository.save_clinic(
                session, event.clinic_id, event.name, event.time_zone
            )
            if previous is not None and previous != event.time_zone:
                await rezone(session, event.clinic_id, event.time_zone)
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


def subscribe(runtime: ServiceRuntime) -> None:
    """Keep the identity projection from clinic.identity.v1."""
    runtime.consumer().subscribe({IDENTITY_TOPIC: on_identity_event})


__all__ = ["on_identity_event", "subscribe"]
