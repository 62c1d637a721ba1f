"""argon2id hashing through passlib's API (the libpass fork), and the check every new password
passes before it is hashed; the rules themselves are password_strength."""

from __future__ import annotations

import asyncio
import unicodedata
from functools import cache

from passlib.context import CryptContext
from servicekit.problems import Problem

from identity.security.password_strength import PasswordPolicy, Personal, judge

_context = CryptContext(schemes=["argon2"], argon2__type="ID")


class WeakPassword(Problem):
    status, slug = 422, "weak-password"


def normalized(password: str) -> str:
    """NFKC form, so the same password typed on two keyboards hashes the same (NIST 800-63B)."""
    return unicodedata.normalize("NFKC", password)


async def hash_password(password: str) -> str:
    """An argon2id hash; off the event loop, it takes about 0.1 s by design."""
    return str(await asyncio.to_thread(_context.hash, normalized(password)))


async def check_new_password(
    password: str, *, policy: PasswordPolicy, personal: Personal, field: str = "password"
) -> str:
    """The argon2id hash of an acceptable new password; 422 saying why and what to do otherwise.

    The rules run before any hashing, so a refused password costs no argon2 work.
    """
    verdict = await asyncio.to_thread(judge, password, personal=personal, policy=policy)
    if not verdict.acceptable:
        raise WeakPassword(
            "Choose another password. " + " ".join(w.message for w in verdict.weaknesses),
            errors=[
                {"field": field, "message": w.message, "code": w.code} for w in verdict.weaknesses
            ],
            suggestions=list(verdict.suggestions),
        )
    return await hash_password(password)


async def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; with no hash, spends the same time and says no."""
    if password_hash is None:
        # Unknown users cost a full verification too, so timing cannot tell them apart.
        await asyncio.to_thread(_context.verify, normalized(password), _dummy_hash())
        return False
    matches: bool = await asyncio.to_thread(_context.verify, normalized(password), password_hash)
    return matches


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return bool(_context.needs_update(password_hash))


@cache
def _dummy_hash() -> str:
    return str(_context.hash("no account has this password"))
