"""The shipped list of breached passwords (OWASP, NIST 800-63B: refuse known-compromised ones).

`data/breached-passwords.txt.gz` holds about 56,000 passwords from leaked-password corpora,
normalised as `normalise` does; `data/README.md` says where they come from and how to refresh
them. The list is read once, on first use, into a set (a few MB).
"""

from __future__ import annotations

import gzip
import string
import unicodedata
from functools import cache
from importlib.resources import files

_LIST = files("identity") / "data" / "breached-passwords.txt.gz"
# Crackers try a listed password with digits or symbols added at either end first.
_DECORATION = string.digits + string.punctuation + " "
_MIN_CORE = 4


def normalise(password: str) -> str:
    """How passwords are compared: NFKC, case-folded, without whitespace."""
    folded = unicodedata.normalize("NFKC", password).casefold()
    return "".join(folded.split())


@cache
def breached_passwords() -> frozenset[str]:
    """Every password on the shipped list, normalised."""
    with gzip.open(_LIST.open("rb"), "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if line.strip())


def is_breached(password: str) -> bool:
    """Whether the password, or its core without digits and symbols at its ends, is listed."""
    listed = breached_passwords()
    value = normalise(password)
    core = value.strip(_DECORATION)
    return value in listed or (len(core) >= _MIN_CORE and core in listed)
