"""Patient registration that never tells whether a phone number or email already has an account.

A registration whose phone or email is taken gets the answer a new one would get (201, the
same body shape and headers, after the same password checks and argon2 hashing), but nothing
is stored: the body describes an account that exists nowhere, under a fresh random id. The
attempt is audited, and `DuplicateRegistrationAttempted` lets notify tell the owner by SMS.

A front desk's registration (`register_by_staff`, for its offline pushes) is different: staff
register people in front of them, so a match is told to staff and not sent to the owner as a
DuplicateRegistrationAttempted; and no random password is hashed, since nobody would know it
and argon2's 0.1 s of CPU per patient made a device's backlog of registrations slow to push.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from clinic_contracts.identity import DuplicateRegistrationAttempted
from servicekit.problems import Conflict
from sqlalchemy.ext.asyncio import AsyncSession

from identity.audit import service as audit
from identity.auth.schemas import PatientDetails, PatientRegister
from identity.db import outbox
from identity.deps import IdentityConfig
from identity.security.passwords import check_new_password
from identity.users.accounts import contact_owners, personal_of, store_account, to_read
from identity.users.models import User
from identity.users.schemas import UserRead

REGISTERED = "user.registered"
DUPLICATE = "user.registration_duplicate"
MATCHED = "user.registration_matched"


async def register_patient(
    *, session: AsyncSession, data: PatientRegister, config: IdentityConfig, client: str
) -> UserRead:
    """Create a patient account, or answer as if it had been created when its contact is taken."""
    patient = new_patient(data)
    # Checked and hashed before the contact is looked up: both outcomes cost the same work.
    password_hash = await check_new_password(
        data.password.get_secret_value(), policy=config.passwords, personal=personal_of(patient)
    )
    if not await _taken(session, patient, client):
        try:
            user = await store_account(
                session, patient, password_hash, actor_id=None, action=REGISTERED, client=client
            )
            return to_read(user, [])
        except Conflict:
            # A concurrent registration took the phone or email after our look-up.
            if not await _taken(session, patient, client):
                raise
    return _stand_in(patient)


def new_patient(data: PatientDetails, user_id: UUID | None = None) -> User:
    """The patient account these details describe (not stored yet)."""
    fields = data.model_dump(
        include={"full_name", "phone", "email", "date_of_birth", "preferred_language"}
    )
    return User(
        id=user_id or uuid.uuid4(),
        kind="patient",
        consent_sms=data.consent.sms,
        consent_whatsapp=data.consent.whatsapp,
        **fields,
    )


async def register_by_staff(
    *,
    session: AsyncSession,
    data: PatientDetails,
    patient_id: UUID,
    actor_id: UUID,
    clinic_id: UUID,
    client: str,
    details: Mapping[str, Any],
) -> tuple[User, bool]:
    """A patient registered at a clinic's desk under the id the desk chose, with no password
    (sign-in fails as with a wrong one until a reset gives one); or, when the phone or email
    already has a patient account, that account. The flag says whether it was matched."""
    owner = await _patient_owning_contact(session, data)
    if owner is None:
        try:
            user = await store_account(
                session,
                new_patient(data, patient_id),
                None,
                actor_id=actor_id,
                action=REGISTERED,
                client=client,
                clinic_id=clinic_id,
                details=details,
            )
            return user, False
        except Conflict:
            # A concurrent registration took the phone or email after our look-up.
            owner = await _patient_owning_contact(session, data)
            if owner is None:
                raise
    return await _matched(
        session, owner, actor_id=actor_id, clinic_id=clinic_id, client=client, details=details
    )


async def _matched(
    session: AsyncSession,
    owner: User,
    *,
    actor_id: UUID,
    clinic_id: UUID,
    client: str,
    details: Mapping[str, Any],
) -> tuple[User, bool]:
    """The patient account the desk's registration matched, audited as such."""
    await audit.record(
        session,
        action=MATCHED,
        actor_id=actor_id,
        subject_id=owner.id,
        clinic_id=clinic_id,
        client_address=client,
        details=details,
    )
    return owner, True


async def _patient_owning_contact(session: AsyncSession, data: PatientDetails) -> User | None:
    """The patient account using this phone (first) or email; 409 if a staff account does."""
    owners = await contact_owners(session, phone=data.phone, email=data.email)
    owner = next((o for o, matched in owners.items() if "phone" in matched), None)
    owner = owner or next(iter(owners), None)
    if owner is not None and owner.kind != "patient":
        raise Conflict(
            "A staff account already uses this phone number or email.", slug="contact-taken"
        )
    return owner


async def _taken(session: AsyncSession, patient: User, client: str) -> bool:
    """Whether the contact is taken; if so, the attempt is audited and each owner told."""
    owners = await contact_owners(session, phone=patient.phone, email=patient.email)
    for owner, matched in owners.items():
        event = DuplicateRegistrationAttempted(user_id=owner.id, matched=matched)
        await outbox.stage(session, event, aggregate_id=owner.id)
    for owner, matched in owners.items():
        await audit.record(
            session,
            action=DUPLICATE,
            outcome="failure",
            subject_id=owner.id,
            client_address=client,
            details={"matched": matched},
        )
    return bool(owners)


def _stand_in(patient: User) -> UserRead:
    """The answer a new registration gets, for an account that is never stored."""
    now = datetime.now(UTC)
    patient.active, patient.deactivated_at = True, None
    patient.created_at = patient.updated_at = now
    return to_read(patient, [])
