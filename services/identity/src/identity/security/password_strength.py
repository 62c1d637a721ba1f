"""Whether a new password is strong enough, and why not, in plain words (OWASP, NIST 800-63B).

Rules: a length range, not on the shipped breached list, not built on the person's own data,
and a zxcvbn score (0-4) of at least the configured minimum, with the person's name, phone,
email and birth date given to zxcvbn as words an attacker would try first. No composition
rules. Pure: no I/O besides reading the shipped list once.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import phonenumbers
from zxcvbn import zxcvbn

from identity.security.breached import is_breached, normalise

MAX_LENGTH = 128
JUDGED_LENGTH = 72
"""zxcvbn's own limit (its matching grows fast with length): longer ones are judged on this
many leading characters."""
WORDS_ADVICE = "A passphrase of four or more unrelated words is easy to remember and hard to guess."
# zxcvbn keeps the person's words in a module-level dictionary while it runs: one at a time.
_ZXCVBN_LOCK = threading.Lock()


@dataclass(frozen=True)
class Weakness:
    """One reason a password is refused: a stable code and a sentence for the person."""

    code: str
    message: str


@dataclass(frozen=True)
class Verdict:
    """What is wrong with a password (nothing when `weaknesses` is empty) and what to do."""

    weaknesses: tuple[Weakness, ...]
    suggestions: tuple[str, ...]

    @property
    def acceptable(self) -> bool:
        """Whether the password may be used."""
        return not self.weaknesses


@dataclass(frozen=True)
class PasswordPolicy:
    """The configured rules: the shortest length and the lowest zxcvbn score (0-4) accepted."""

    min_length: int = 12
    min_score: int = 3


@dataclass(frozen=True)
class Personal:
    """What is known about the person, which their password must not be built on."""

    full_name: str = ""
    email: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None

    def words(self) -> list[str]:
        """Everything an attacker who knows the person would try: zxcvbn's user inputs."""
        name = self.full_name.lower()
        words = [name, _joined(name), *re.split(r"[\s\-'.]+", name)]
        if self.email:
            local = self.email.lower().split("@")[0]
            words += [local, *re.split(r"[._+\-]+", local)]
        words += _phone_forms(self.phone) + _date_forms(self.date_of_birth)
        return [w for w in dict.fromkeys(words) if len(w) >= 2]

    def forbidden(self) -> list[str]:
        """Pieces a password may not contain at all (compared without spaces or symbols)."""
        pieces = [_joined(self.full_name.lower())]
        if self.email:
            pieces.append(_joined(self.email.lower().split("@")[0]))
        pieces += _phone_forms(self.phone)[1:] + _date_forms(self.date_of_birth)[1:]
        return [p for p in pieces if len(p) >= 4]


def judge(password: str, *, personal: Personal, policy: PasswordPolicy) -> Verdict:
    """The verdict on a new password, NFKC-normalised as it will be hashed."""
    password = unicodedata.normalize("NFKC", password)
    min_length, min_score = policy.min_length, policy.min_score
    weaknesses: list[Weakness] = []
    if len(password) < min_length:
        weaknesses.append(Weakness("too_short", f"It must be at least {min_length} characters."))
    if len(password) > MAX_LENGTH:
        weaknesses.append(Weakness("too_long", f"It must be at most {MAX_LENGTH} characters."))
    if is_breached(password):
        weaknesses.append(
            Weakness(
                "breached",
                "It is on lists of passwords leaked from other sites, which attackers try first.",
            )
        )
    bare = _joined(normalise(password))
    if any(piece in bare for piece in personal.forbidden()):
        weaknesses.append(_PERSONAL)
    estimate = _estimate(password, personal.words())
    suggestions: list[str] = []
    if estimate.score < min_score:
        weaknesses += _explain(estimate, already=weaknesses)
        suggestions += [_SUGGESTIONS.get(s, s) for s in estimate.suggestions]
    if weaknesses:
        suggestions.append(WORDS_ADVICE)
    return Verdict(tuple(dict.fromkeys(weaknesses)), tuple(dict.fromkeys(suggestions)))


def rules(policy: PasswordPolicy) -> list[str]:
    """The rules as sentences, to show before a password is chosen."""
    return [
        f"Use between {policy.min_length} and {MAX_LENGTH} characters; spaces and any letters, "
        "digits or symbols are allowed, and none are required.",
        "Do not use a password that has leaked from another site or is commonly used, even "
        "with digits or symbols added at the start or end.",
        "Do not build it on your name, phone number, email address or date of birth.",
        f"It must be hard to guess: at least {policy.min_score} on the zxcvbn scale of 0 to 4 "
        "(keyboard patterns, repeats, sequences, dates and common words make it weaker).",
        WORDS_ADVICE,
    ]


_PERSONAL = Weakness(
    "personal_data", "It contains your name, phone number, email address or date of birth."
)
_WARNINGS = {
    "Straight rows of keys are easy to guess.": "keyboard_pattern",
    "Short keyboard patterns are easy to guess.": "keyboard_pattern",
    'Repeats like "aaa" are easy to guess.': "repeated",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': "repeated",
    'Sequences like "abc" or "6543" are easy to guess.': "sequence",
    "Recent years are easy to guess.": "date",
    "Dates are often easy to guess.": "date",
    "This is a top-10 common password.": "common_password",
    "This is a top-100 common password.": "common_password",
    "This is a very common password.": "common_password",
    "This is similar to a commonly used password.": "common_password",
    "A word by itself is easy to guess.": "single_word",
    "Names and surnames by themselves are easy to guess.": "names",
    "Common names and surnames are easy to guess.": "names",
}
_PLAIN = {
    "keyboard_pattern": "It follows keys that sit next to each other on a keyboard, like qwerty.",
    "repeated": "It repeats the same characters or words.",
    "sequence": "It contains a sequence like abc or 6543.",
    "date": "It relies on a date or a year, which are quick to guess.",
    "common_password": "It is one of the most commonly used passwords, or close to one.",
    "single_word": "It is a single common word.",
    "names": "It relies on common first names or surnames.",
    "too_guessable": "It is too easy to guess.",
}
_SUGGESTIONS = {
    "Add another word or two. Uncommon words are better.": "Add another word or two; "
    "uncommon words are better.",
    "Use a longer keyboard pattern with more turns.": "Avoid keyboard patterns.",
    "Avoid repeated words and characters.": "Avoid repeating words and characters.",
    "Avoid sequences.": "Avoid sequences like abc or 1234.",
    "Avoid recent years.": "Avoid years, above all recent ones and ones linked to you.",
    "Avoid years that are associated with you.": "Avoid years, above all recent ones and "
    "ones linked to you.",
    "Avoid dates and years that are associated with you.": "Avoid dates and years linked to you.",
    "Capitalization doesn't help very much.": "A capital first letter hardly makes it stronger.",
    "All-uppercase is almost as easy to guess as all-lowercase.": "Writing it all in capitals "
    "hardly makes it stronger.",
    "Reversed words aren't much harder to guess.": "Words spelt backwards are hardly harder "
    "to guess.",
    "Predictable substitutions like '@' instead of 'a' don't help very much.": "Swapping "
    "letters for look-alikes, like @ for a or 0 for o, hardly helps.",
    "Use a few words, avoid common phrases.": "Use a few words, not a common phrase.",
    "No need for symbols, digits, or uppercase letters.": "There is no need for symbols, "
    "digits or capitals.",
}


@dataclass(frozen=True)
class _Estimate:
    """What zxcvbn says about a password."""

    score: int
    warning: str
    suggestions: list[str]
    uses_personal_data: bool


def _estimate(password: str, words: list[str]) -> _Estimate:
    with _ZXCVBN_LOCK:
        result = zxcvbn(password[:JUDGED_LENGTH], user_inputs=words)
    return _Estimate(
        score=int(result["score"]),
        warning=result["feedback"]["warning"],
        suggestions=list(result["feedback"]["suggestions"]),
        uses_personal_data=any(
            m.get("dictionary_name") == "user_inputs" for m in result["sequence"]
        ),
    )


def _explain(estimate: _Estimate, *, already: Iterable[Weakness]) -> list[Weakness]:
    """zxcvbn's reasons in plain words; the person's own data named as such."""
    found: list[Weakness] = []
    if estimate.uses_personal_data:
        found.append(_PERSONAL)
    code = _WARNINGS.get(estimate.warning)
    if code == "common_password" and any(w.code == "breached" for w in already):
        code = None  # the breached list said it already
    if code is not None:
        found.append(Weakness(code, _PLAIN[code]))
    if not found and not any(w.code == "breached" for w in already):
        found.append(Weakness("too_guessable", _PLAIN["too_guessable"]))
    return found


def _joined(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _phone_forms(phone: str | None) -> list[str]:
    """The E.164 digits, the national number, and the number as dialled at home."""
    if not phone:
        return []
    digits = phone.lstrip("+")
    try:
        national = phonenumbers.national_significant_number(phonenumbers.parse(phone, None))
    except phonenumbers.NumberParseException:
        return [digits]
    return [digits, national, f"0{national}"]


def _date_forms(day: date | None) -> list[str]:
    """The year, then the date written the usual ways without separators."""
    if day is None:
        return []
    y, m, d = f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"
    return [y, y + m + d, d + m + y, m + d + y]
