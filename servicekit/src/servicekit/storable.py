"""The bounds every input is held to: PostgreSQL can store it, date arithmetic cannot overflow.

PostgreSQL refuses text holding NUL (U+0000), in `text` and `jsonb` alike; a lone UTF-16
surrogate (`"\\ud800"` in JSON) cannot be encoded as UTF-8 at all; its largest integer is int64;
and Python's dates end at year 9999, so a date near either end overflows as soon as a day is
added or a time zone applied. Inputs are held far inside all of these: dates between
`EARLIEST` and `LATEST` (both inclusive), durations no longer than that span, integers within
int64, finite numbers. Each check answers None or the `Fault` to report against the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
LONGEST = LATEST - EARLIEST
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
TEMPORAL_FORMATS = frozenset({"date", "date-time", "duration"})

# The adapters FastAPI's own validation would use, so a value is read exactly as it will be.
_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "date": TypeAdapter(date),
    "date-time": TypeAdapter(datetime),
    "duration": TypeAdapter(timedelta),
}


@dataclass(frozen=True)
class Fault:
    """Why a value cannot be accepted: a stable code and a message for the client."""

    code: str
    message: str


NUL = Fault("string_contains_nul", "Text must not contain the NUL character (U+0000).")
SURROGATE = Fault(
    "string_unpaired_surrogate", "Text must not contain an unpaired UTF-16 surrogate."
)
NOT_FINITE = Fault("number_not_finite", "Numbers must be finite.")
TOO_LARGE = Fault("number_out_of_range", f"Numbers must be between {INT_MIN} and {INT_MAX}.")
DATE_RANGE = Fault(
    "date_out_of_range", f"Dates must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}."
)
DURATION_RANGE = Fault("duration_out_of_range", f"Durations must be under {LONGEST.days} days.")


def text_fault(text: str) -> Fault | None:
    """NUL, or an unpaired surrogate (which UTF-8 cannot encode)."""
    if "\x00" in text:
        return NUL
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return SURROGATE
    return None


def number_fault(value: float) -> Fault | None:
    """Not finite, or beyond int64 (an int, or a float an integer field would accept)."""
    if isinstance(value, float) and not math.isfinite(value):
        return NOT_FINITE
    return None if INT_MIN <= value <= INT_MAX else TOO_LARGE


def numeric_text_fault(text: str) -> Fault | None:
    """The fault of a number written as text (a query parameter, a quoted JSON number)."""
    try:
        return number_fault(int(text))
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None  # not a number at all: the field's own validation says so
    if math.isinf(number) and text.strip().lstrip("+-").isdigit():
        return TOO_LARGE  # digits past float's range, not "inf"
    return number_fault(number)


def temporal_fault(value: Any, fmt: str) -> Fault | None:
    """The fault of a date, date-time or duration input, read as the field would read it.

    A value that does not parse is left to the field's own validation.
    """
    try:
        parsed = _ADAPTERS[fmt].validate_python(value)
    except (ValidationError, OverflowError, ValueError):
        return None
    if isinstance(parsed, timedelta):
        return None if abs(parsed) <= LONGEST else DURATION_RANGE
    day = parsed.date() if isinstance(parsed, datetime) else parsed
    return None if EARLIEST <= day <= LATEST else DATE_RANGE


def day_in_range(day: date) -> bool:
    """Whether a date (or a datetime's local date) lies within the bounds."""
    local = day.date() if isinstance(day, datetime) else day
    return EARLIEST <= local <= LATEST
