"""The revocation projection's rules: what each revocation covers, and for how long."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from clinic_contracts.envelope import new_envelope
from clinic_contracts.identity import (
    ClinicCreated,
    MembershipRevoked,
    SessionRevoked,
    UserDeactivated,
)
from servicekit.auth import MAX_ACCESS_TOKEN_TTL_SECONDS, JwksVerifier, Membership, Principal
from servicekit.problems import Unauthorized
from servicekit.revocations import RevocationProjection
from servicekit.testing.issuer import TokenIssuer

T0 = 1_900_000_000.0  # the revocation instants below, in seconds since the epoch
USER, CLINIC, OTHER_CLINIC = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
LEEWAY = 5.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def projection(clock: Clock) -> RevocationProjection:
    return RevocationProjection(leeway=LEEWAY, clock=clock)


def token(
    issued_at: float,
    *roles: Membership,
    user: uuid.UUID = USER,
    session: uuid.UUID | None = None,
) -> Principal:
    return Principal(
        user_id=user,
        memberships=roles,
        issued_at=issued_at,
        expires_at=issued_at + MAX_ACCESS_TOKEN_TTL_SECONDS,
        session_id=session or uuid.uuid4(),
    )


def reason(projection: RevocationProjection, principal: Principal) -> str | None:
    refused = projection.refusal(principal)
    return refused[0] if refused else None


def test_a_deactivation_covers_the_users_tokens_issued_until_then(
    projection: RevocationProjection,
) -> None:
    projection.revoke_user(USER, T0)

    assert reason(projection, token(T0 - 600)) == "account-deactivated"
    assert reason(projection, token(T0)) == "account-deactivated"
    assert reason(projection, token(T0 - 600, user=uuid.uuid4())) is None


def test_tokens_issued_after_a_reactivation_work_even_within_the_same_second(
    projection: RevocationProjection,
) -> None:
    # A whole-second iat could not tell these two apart; microseconds can.
    projection.revoke_user(USER, T0 + 0.500_000)

    assert reason(projection, token(T0 + 0.499_999)) == "account-deactivated"
    assert reason(projection, token(T0 + 0.500_001)) is None


def test_an_ended_session_covers_its_tokens_whenever_issued_and_no_other(
    projection: RevocationProjection,
) -> None:
    ended, other = uuid.uuid4(), uuid.uuid4()
    projection.revoke_session(ended, T0)

    assert reason(projection, token(T0 - 300, session=ended)) == "session-revoked"
    assert reason(projection, token(T0 + 1, session=ended)) == "session-revoked"
    assert reason(projection, token(T0 - 300, session=other)) is None


def test_a_revoked_role_covers_only_earlier_tokens_that_carry_it(
    projection: RevocationProjection,
) -> None:
    receptionist = Membership("receptionist", CLINIC)
    projection.revoke_role(USER, "receptionist", CLINIC, T0)

    assert reason(projection, token(T0 - 60, receptionist)) == "role-revoked"
    assert reason(projection, token(T0 - 60, Membership("provider", CLINIC))) is None
    assert reason(projection, token(T0 - 60, Membership("receptionist", OTHER_CLINIC))) is None
    assert reason(projection, token(T0 - 60)) is None  # refreshed without the role
    assert reason(projection, token(T0 + 0.000_001, receptionist)) is None  # granted again


def test_an_organisation_wide_role_is_revoked_as_such(projection: RevocationProjection) -> None:
    projection.revoke_role(USER, "org_admin", None, T0)

    assert reason(projection, token(T0 - 1, Membership("org_admin"))) == "role-revoked"


def test_a_revocation_is_kept_while_a_token_it_covers_can_be_accepted(
    projection: RevocationProjection, clock: Clock
) -> None:
    projection.revoke_user(USER, T0)
    covered = token(T0)  # the last token it covers expires at T0 + TTL, refused after + leeway

    clock.now = covered.expires_at + LEEWAY
    assert projection.prune() == 0
    assert reason(projection, covered) == "account-deactivated"

    clock.now = T0 + projection.retention + 1
    assert projection.prune() == 1
    assert len(projection) == 0


def test_expired_entries_are_ignored_before_they_are_pruned(
    projection: RevocationProjection, clock: Clock
) -> None:
    session = uuid.uuid4()
    projection.revoke_session(session, T0)
    clock.now = T0 + projection.retention + 1
    assert reason(projection, token(clock.now - 1, session=session)) is None


def test_a_revocation_read_after_its_tokens_expired_is_not_kept(
    projection: RevocationProjection, clock: Clock
) -> None:
    clock.now = T0 + projection.retention + 1
    projection.revoke_user(USER, T0)
    assert len(projection) == 0


def test_retention_covers_a_token_lifetime_and_the_leeway() -> None:
    projection = RevocationProjection(leeway=LEEWAY)
    assert projection.retention >= MAX_ACCESS_TOKEN_TTL_SECONDS + LEEWAY


def test_events_become_revocations_and_others_are_ignored(projection: RevocationProjection) -> None:
    at = datetime.fromtimestamp(T0, UTC)
    session = uuid.uuid4()
    events = [
        UserDeactivated(user_id=USER, deactivated_at=at),
        MembershipRevoked(user_id=USER, clinic_id=CLINIC, role="provider", revoked_at=at),
        SessionRevoked(user_id=USER, session_id=session, reason="signed_out", revoked_at=at),
    ]
    for event in events:
        assert projection.apply(new_envelope(event, producer="identity"))
    clinic = ClinicCreated(clinic_id=CLINIC, name="Kibera", time_zone="Africa/Nairobi")
    assert not projection.apply(new_envelope(clinic, producer="identity"))

    assert len(projection) == 3
    assert reason(projection, token(T0 - 1)) == "account-deactivated"


def test_an_event_without_its_instant_is_dated_by_the_envelope(
    projection: RevocationProjection,
) -> None:
    # Published before deactivated_at existed: occurred_at is the best instant there is.
    occurred = datetime.fromtimestamp(T0, UTC)
    envelope = new_envelope(
        UserDeactivated(user_id=USER), producer="identity", occurred_at=occurred
    )
    projection.apply(envelope)

    assert reason(projection, token(T0 - 1)) == "account-deactivated"
    assert reason(projection, token(T0 + 1)) is None


def test_a_replayed_older_event_never_moves_a_revocation_back(
    projection: RevocationProjection,
) -> None:
    projection.revoke_user(USER, T0)
    earlier = datetime.fromtimestamp(T0, UTC) - timedelta(minutes=5)
    projection.apply(
        new_envelope(UserDeactivated(user_id=USER, deactivated_at=earlier), producer="identity")
    )

    assert reason(projection, token(T0 - 1)) == "account-deactivated"


def test_a_malformed_revocation_is_skipped(projection: RevocationProjection) -> None:
    envelope = new_envelope(UserDeactivated(user_id=USER), producer="identity")
    broken = envelope.model_copy(update={"payload": {"user_id": "not-a-uuid"}})
    assert not projection.apply(broken)
    assert len(projection) == 0


async def test_the_verifier_refuses_a_covered_token_saying_why() -> None:
    issuer = TokenIssuer()
    projection = RevocationProjection(leeway=LEEWAY)
    verifier = issuer.verifier(revocations=projection)
    session = uuid.uuid4()
    signed = issuer.token(USER, Membership("receptionist", CLINIC), session_id=session)
    principal = await verifier.verify(signed)
    assert principal.session_id == session

    projection.revoke_session(session, datetime.now(UTC).timestamp())

    with pytest.raises(Unauthorized) as refused:
        await verifier.verify(signed)
    assert refused.value.extensions == {"reason": "session-revoked"}
    assert refused.value.headers["WWW-Authenticate"] == "Bearer"
    await verifier.aclose()


async def test_the_verifier_reads_the_issue_time_to_the_microsecond() -> None:
    issuer = TokenIssuer()
    verifier = JwksVerifier(
        "http://identity.test/jwks",
        issuer=issuer.issuer,
        audience=issuer.audience,
        client=httpx.AsyncClient(
            transport=httpx.MockTransport(lambda _: httpx.Response(200, json=issuer.jwks()))
        ),
    )
    signed = issuer.token(USER)
    claims = jwt.decode(signed, options={"verify_signature": False})
    principal = await verifier.verify(signed)
    assert isinstance(claims["iat"], float)
    assert principal.issued_at == claims["iat"]  # not truncated to the second
    await verifier.aclose()
