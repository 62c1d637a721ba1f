"""The catalogue of problem types the API answers (`urn:clinic:problem:<slug>`), in one place.

`python -m servicekit.problem_types` prints docs/problem-types.md; `--check` compares that file
with the catalogue (CI runs it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ProblemSlug = Literal[
    "allotment-overlap",
    "appointment-exists",
    "bad-content-length",
    "bad-cursor",
    "bad-idempotency-key",
    "bad-range",
    "bad-request",
    "bad-upstream-response",
    "busy",
    "clinic-required",
    "closure-overlap",
    "conflict",
    "conflict-resolved",
    "contact-taken",
    "cors-not-allowed",
    "csrf-refused",
    "database-unavailable",
    "forbidden",
    "hold-expired",
    "idempotency-key-reused",
    "in-the-past",
    "inactive-type",
    "invalid-credentials",
    "invalid-range",
    "invalid-refresh-token",
    "invalid-shift",
    "invalid-template",
    "invalid-transition",
    "leave-overlap",
    "membership-exists",
    "method-not-allowed",
    "no-room",
    "not-found",
    "not-ready",
    "not-staff",
    "nothing-to-revoke",
    "off-grid",
    "outside-booking-window",
    "past-cutoff",
    "patient-required",
    "payload-too-large",
    "provider-not-eligible",
    "rate-limited",
    "recorded-at-out-of-range",
    "reserved-time",
    "room-exists",
    "same-shift",
    "same-staff",
    "shift-cancelled",
    "shift-over",
    "shift-overlap",
    "sign-in-throttled",
    "slot-required",
    "slot-taken",
    "slot-unavailable",
    "staff-not-qualified",
    "sync-batch-too-large",
    "sync-mutation-reused",
    "too-early",
    "unauthorized",
    "unknown-clinic",
    "unknown-mutation-kind",
    "unknown-room",
    "upstream-timeout",
    "upstream-unavailable",
    "user-deactivated",
    "validation-error",
    "weak-password",
    "window-passed",
    "wrong-password",
]
"""Every slug of a `urn:clinic:problem:*` type; mypy refuses a slug that is not listed here."""


@dataclass(frozen=True)
class ProblemType:
    """One problem type as API users see it: its status, a title, when it is answered."""

    status: int
    title: str
    when: str
    other_statuses: tuple[int, ...] = ()
    """Statuses some service answers the same type with besides `status`."""

    @property
    def statuses(self) -> tuple[int, ...]:
        """Every status this type is answered with, the usual one first."""
        return (self.status, *self.other_statuses)


_T = ProblemType
# Keys sorted by slug, like ProblemSlug; `when` speaks to the API's users (what to do next).
PROBLEM_TYPES: dict[ProblemSlug, ProblemType] = {
    "allotment-overlap": _T(
        409, "Reserved time overlaps", "The provider already has reserved time then; edit that."
    ),
    "appointment-exists": _T(
        409,
        "Appointment exists",
        "A sync push books an appointment id that exists already; the device needs a new id.",
    ),
    "bad-content-length": _T(
        400, "Bad Content-Length", "The gateway got a Content-Length that is not a number."
    ),
    "bad-cursor": _T(
        400, "Bad cursor", "The `cursor` is not a `next_cursor` this list answered; start over."
    ),
    "bad-idempotency-key": _T(
        400, "Bad Idempotency-Key", "Idempotency-Key must be 1 to 255 visible ASCII characters."
    ),
    "bad-range": _T(
        400,
        "Bad range",
        "`from`/`to` are reversed or span more days than the list allows (see `detail`).",
    ),
    "bad-request": _T(
        400, "Bad request", "The generic refusal of a request; `detail` says what to change."
    ),
    "bad-upstream-response": _T(
        502,
        "Bad upstream response",
        "The service named in `service` broke off or answered wrongly; try again later.",
    ),
    "busy": _T(
        503,
        "Busy",
        "The database stayed contended or out of connections; retry after `Retry-After`.",
    ),
    "clinic-required": _T(
        422, "Clinic required", "Only organisation admins may ask for a report without `clinic`."
    ),
    "closure-overlap": _T(
        409,
        "Closure overlaps",
        "The clinic is already closed on some of those days (`clashing_closure`).",
    ),
    "conflict": _T(
        409,
        "Conflict",
        "A concurrent change got there first (a contact was just taken); reload, then retry.",
    ),
    "conflict-resolved": _T(
        409, "Conflict resolved", "This offline sync conflict was resolved already; reload it."
    ),
    "contact-taken": _T(
        409, "Contact taken", "Another account already uses this phone number or email."
    ),
    "cors-not-allowed": _T(
        403,
        "CORS not allowed",
        "A CORS preflight from an origin, method or header the gateway does not allow.",
    ),
    "csrf-refused": _T(
        403,
        "Cross-site request refused",
        "A cookie session route was called the way another site's page could; use the app.",
    ),
    "database-unavailable": _T(
        503,
        "Database unavailable",
        "The service cannot reach its database; retry after `Retry-After`.",
    ),
    "forbidden": _T(
        403, "Forbidden", "The caller's roles do not reach this record, clinic or action."
    ),
    "hold-expired": _T(
        409, "Hold expired", "The held slot lapsed before it was confirmed; search slots again."
    ),
    "idempotency-key-reused": _T(
        422,
        "Idempotency-Key reused",
        "This Idempotency-Key went with another request; use a new key for new content.",
    ),
    "in-the-past": _T(422, "In the past", "Staff cannot book an appointment that started already."),
    "inactive-type": _T(
        422, "Inactive type", "This appointment type is no longer booked; choose another."
    ),
    "invalid-credentials": _T(
        401,
        "Invalid credentials",
        "The login or the password is wrong; sign-in gives no more detail.",
    ),
    "invalid-range": _T(
        422, "Invalid range", "A report's `to` is before `from`, or the range is too long."
    ),
    "invalid-refresh-token": _T(
        401,
        "Invalid refresh token",
        "The refresh token (or session cookie) is missing, spent or revoked; sign in again.",
    ),
    "invalid-shift": _T(
        422, "Invalid shift", "The shift's breaks do not fit inside it or overlap each other."
    ),
    "invalid-template": _T(
        422,
        "Invalid template",
        "A message template has an unknown placeholder, or a shift template ends before it starts.",
    ),
    "invalid-transition": _T(
        409,
        "Invalid transition",
        "The record's status does not allow this step any more (`status_now` when known).",
    ),
    "leave-overlap": _T(
        409,
        "Leave overlaps",
        "The staff member already has leave then (`clashing_leave`).",
    ),
    "membership-exists": _T(
        409, "Membership exists", "The user already holds this role at this clinic."
    ),
    "method-not-allowed": _T(
        405, "Method not allowed", "The web app's pages are only read (GET or HEAD)."
    ),
    "no-room": _T(409, "No room", "The clinic has no room for this type of visit."),
    "not-found": _T(
        404,
        "Not found",
        "No such record is visible to the caller, or no service owns the path.",
    ),
    "not-ready": _T(
        503,
        "Not ready",
        "`/readyz`: a dependency (database, broker, keys) is not reachable yet.",
    ),
    "not-staff": _T(409, "Not staff", "Patient accounts cannot hold staff roles."),
    "nothing-to-revoke": _T(
        422, "Nothing to revoke", "Sign-out needs a `refresh_token` or `everywhere=true`."
    ),
    "off-grid": _T(
        422, "Off the grid", "The start is not on the type's time grid; pick one from /v1/slots."
    ),
    "outside-booking-window": _T(
        422,
        "Outside booking window",
        "Patients may only book between the earliest and latest times `detail` names.",
    ),
    "past-cutoff": _T(
        403,
        "Past the cutoff",
        "Patients may not cancel or move a visit this close to it; call the clinic.",
    ),
    "patient-required": _T(
        422, "Patient required", "Staff booking for a patient must name `patient_id`."
    ),
    "payload-too-large": _T(
        413,
        "Payload too large",
        "The body is over the gateway's limit, or a push holds too many mutations (`limit`).",
    ),
    "provider-not-eligible": _T(
        422,
        "Provider not eligible",
        "The named provider does not give this type of visit at this clinic.",
    ),
    "rate-limited": _T(
        429, "Rate limited", "Too many requests from this address or user; wait `Retry-After`."
    ),
    "recorded-at-out-of-range": _T(
        422,
        "Recorded time out of range",
        "A sync push mutation's `recorded_at` is too old or ahead; check the device's clock.",
    ),
    "reserved-time": _T(
        409,
        "Reserved time",
        "That time is kept for the front desk; book it there or pick an `alternatives` slot.",
    ),
    "room-exists": _T(409, "Room exists", "The clinic already has a room with this name."),
    "same-shift": _T(422, "Same shift", "A shift cannot be swapped with itself."),
    "same-staff": _T(
        422, "Same staff", "Cover or swap would give a shift to the staff member who has it."
    ),
    "shift-cancelled": _T(409, "Shift cancelled", "The shift is cancelled and cannot change."),
    "shift-over": _T(409, "Shift over", "The shift has ended; past shifts are kept as worked."),
    "shift-overlap": _T(
        409,
        "Shift overlaps",
        "The staff member already works then (`clashing_shift`).",
    ),
    "sign-in-throttled": _T(
        429,
        "Sign-in throttled",
        "Too many failed sign-ins for this login; wait `Retry-After` seconds.",
    ),
    "slot-required": _T(
        422,
        "Slot required",
        "Booking needs a `hold_id`, or `clinic_id`, `type_id` and `starts_at`.",
    ),
    "slot-taken": _T(
        409,
        "Slot taken",
        "The provider, room or patient is booked then; pick one of `alternatives`.",
    ),
    "slot-unavailable": _T(
        409,
        "Slot unavailable",
        "No provider of this type works then; pick one of `alternatives`.",
    ),
    "staff-not-qualified": _T(
        422,
        "Staff not qualified",
        "The staff member holds no such role at the clinic of the shift.",
    ),
    "sync-batch-too-large": _T(
        413,
        "Sync batch too large",
        "A booking push is over its bytes or mutations limit; push smaller batches.",
    ),
    "sync-mutation-reused": _T(
        409,
        "Sync mutation id reused",
        "In a push outcome: this mutation id came before with other content; use a new id.",
        other_statuses=(422,),
    ),
    "too-early": _T(
        409, "Too early", "A patient can be marked absent only once the visit was due."
    ),
    "unauthorized": _T(
        401,
        "Unauthorized",
        "The bearer token is missing, malformed, expired or revoked (`reason`); sign in again.",
    ),
    "unknown-clinic": _T(422, "Unknown clinic", "No clinic has the `clinic_id` given."),
    "unknown-mutation-kind": _T(
        422, "Unknown mutation kind", "A push names a mutation kind the service does not apply."
    ),
    "unknown-room": _T(422, "Unknown room", "The clinic has no active room with this `room_id`."),
    "upstream-timeout": _T(
        504, "Upstream timeout", "The service named in `service` did not answer in time."
    ),
    "upstream-unavailable": _T(
        503,
        "Upstream unavailable",
        "The service named in `service` is down; retry after `Retry-After`.",
    ),
    "user-deactivated": _T(409, "User deactivated", "The account is deactivated."),
    "validation-error": _T(
        422,
        "Validation error",
        "Fields are missing or invalid; `errors` lists each `field` with a `message`.",
    ),
    "weak-password": _T(
        422, "Weak password", "The new password is too short, too common or like the login."
    ),
    "window-passed": _T(422, "Window passed", "The waitlist window has already passed."),
    "wrong-password": _T(403, "Wrong password", "The current password given is wrong."),
}

DOC_PATH = Path("docs/problem-types.md")
REGENERATE = "uv run --frozen python -m servicekit.problem_types > docs/problem-types.md"
_INTRO = """\
# Problem types

<!-- Generated by `python -m servicekit.problem_types` from servicekit/problem_types.py. -->

Every error the API answers is RFC 9457 `application/problem+json` whose `type` is
`urn:clinic:problem:<slug>`, one of the slugs below, with `status`, a human `detail` and
sometimes extension members named in the table. The `title` member carries the HTTP status
phrase. Errors that no rule names (an unknown path on a service, an unexpected failure) have
`type` `about:blank`. Clients should branch on the slug, never on `detail`.

| Type | Status | Title | When |
|---|---|---|---|
"""


def markdown() -> str:
    """docs/problem-types.md: the catalogue as one table, sorted by slug."""
    rows = [
        f"| `{slug}` | {', '.join(map(str, kind.statuses))} | {kind.title} | {kind.when} |\n"
        for slug, kind in sorted(PROBLEM_TYPES.items())
    ]
    return _INTRO + "".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the catalogue as markdown; with --check, 1 when the committed doc differs."""
    parser = argparse.ArgumentParser(prog="python -m servicekit.problem_types")
    parser.add_argument("--check", action="store_true", help="compare with the committed doc")
    parser.add_argument("--doc", type=Path, default=DOC_PATH, help="the doc --check reads")
    args = parser.parse_args(argv)
    if not args.check:
        sys.stdout.write(markdown())
        return 0
    if not args.doc.is_file() or args.doc.read_text(encoding="utf-8") != markdown():
        print(f"{args.doc} does not match the catalogue; regenerate: {REGENERATE}", file=sys.stderr)
        return 1
    print(f"{args.doc} lists the {len(PROBLEM_TYPES)} problem types")
    return 0


if __name__ == "__main__":
    sys.exit(main())
