"""Checking the audit chain through the API, a bounded part per call, with the command's code."""

from __future__ import annotations

import re

from servicekit.auth import Principal
from servicekit.pagination import BadCursor, decode_cursor, encode_cursor
from sqlalchemy.ext.asyncio import AsyncSession

from identity import access
from identity.audit.chain import ChainWalk
from identity.audit.schemas import AuditVerification, BrokenLinkRead, VerificationQuery
from identity.audit.verify import walk_chain

_HASH = re.compile(r"^[0-9a-f]{64}$")
_MAX_SEQ = 2**63 - 1


async def verify(
    *, session: AsyncSession, principal: Principal, query: VerificationQuery
) -> AuditVerification:
    """Check up to `query.limit` entries after the cursor (organisation admins only)."""
    access.require_audit_verifier(principal)
    start = _resume(query.cursor) if query.cursor else ChainWalk()
    walked = await walk_chain(session, start=start, limit=query.limit)
    report = walked.report
    broken = report.broken
    more = report.intact and not walked.reached_end and report.newest_seq is not None
    return AuditVerification(
        intact=report.intact,
        complete=walked.reached_end,
        checked=report.entries,
        last_seq=report.newest_seq,
        last_hash=report.newest_hash,
        broken=BrokenLinkRead(seq=broken.seq, reason=broken.reason, message=broken.message)
        if broken
        else None,
        next_cursor=encode_cursor(report.newest_seq, report.newest_hash) if more else None,
    )


def _resume(cursor: str) -> ChainWalk:
    """The walk's state after the entry a cursor names; 400 for a cursor we did not make."""
    seq, hash_ = decode_cursor(cursor, 2)
    if not (seq.isascii() and seq.isdigit() and int(seq) <= _MAX_SEQ and _HASH.match(hash_)):
        raise BadCursor("The cursor is not one this endpoint returned.")
    return ChainWalk(last_seq=int(seq), last_hash=hash_)
