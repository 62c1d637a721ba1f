"""Password rules (OWASP) and argon2id hashing through passlib's API (the libpass fork)."""

from __future__ import annotations

import asyncio
import unicodedata
from functools import cache

from passlib.context import CryptContext

MAX_LENGTH = 128
# The few passwords every guessing list starts with, in the lengths our minimum allows.
COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "passwordpassword",
        "password1234",
        "qwertyuiopasdf",
        "qwerty123456",
        "iloveyou1234",
        "111111111111",
        "000000000000",
        "abcdefghijkl",
        "letmeinletmein",
        "welcome12345",
        "administrator",
        "changemechangeme",
    }
)

_context = CryptContext(schemes=["argon2"], argon2__type="ID")


def normalized(password: str) -> str:
    """NFKC form, so the same password typed on two keyboards hashes the same (NIST 800-63B)."""
    return unicodedata.normalize("NFKC", password)


def weaknesses(password: str, *, min_length: int, personal: tuple[str, ...] = ()) -> list[str]:
    """Why a new password is refused; empty when it is acceptable."""
    value = normalized(password)
    problems = []
    if len(value) < min_length:
        problems.append(f"must be at least {min_length} characters")
    if len(value) > MAX_LENGTH:
        problems.append(f"must be at most {MAX_LENGTH} characters")
    lowered = value.lower()
    if lowered in COMMON or len(set(lowered)) <= 2:
        problems.append("is too common or too easy to guess")
    if any(item and item.lower() in lowered for item in personal if len(item) >= 4):
        problems.append("must not contain your name, phone number or email address")
    return problems


async def hash_password(password: str) -> str:
    """An argon2id hash; off the event loop, it takes about 0.1 s by design."""
    return str(await asyncio.to_thread(_context.hash, normalized(password)))


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
