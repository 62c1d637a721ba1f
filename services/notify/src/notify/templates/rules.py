"""The words of each message: built-in texts per language, a clinic's own, and the rendering.

Templates use `{placeholders}` only (checked when a clinic saves one: no attribute access,
no format specs), filled with the clinic's local date and time written the patient's way
by Babel's CLDR data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from string import Formatter

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from servicekit.localtime import zone

PLACEHOLDERS = {
    "patient": "The patient's name.",
    "clinic": "The clinic's name.",
    "clinic_phone": "The clinic's phone number (or 'the clinic' when it has none).",
    "type": "The appointment type, e.g. General consultation.",
    "date": "The visit's local date, in the patient's language (for an offline conflict: the "
    "time the patient was given).",
    "time": "The visit's local time, in the patient's language.",
    "expires": "For waitlist offers: the local time the offer lapses.",
}
MAX_LENGTH = 1000  # about six SMS segments; longer texts get expensive and get cut by phones

_STOP = {"en": "Reply STOP to opt out.", "sw": "Jibu STOP kusitisha.", "fr": "Répondez STOP."}
BUILT_IN: dict[str, dict[str, str]] = {
    "en": {
        "confirmation": "{clinic}: {patient}, your {type} is booked for {date} at {time}.",
        "reminder": "{clinic}: reminder, {patient}, your {type} is on {date} at {time}. "
        "To change it call {clinic_phone}.",
        "rescheduled": "{clinic}: {patient}, your {type} has moved to {date} at {time}.",
        "cancelled": "{clinic}: {patient}, your {type} on {date} at {time} is cancelled.",
        "needs_reschedule": "{clinic}: {patient}, your {type} on {date} at {time} must be "
        "moved. Please call {clinic_phone} or choose a new time online.",
        "waitlist_offer": "{clinic}: {patient}, a {type} slot is free on {date} at {time}. "
        "It is held for you until {expires}: book it online.",
        "offline_conflict_cancelled": "{clinic}: {patient}, we could not keep the {type} time "
        "you were given for {date} at {time}: it had been taken. Please call {clinic_phone} to "
        "book again.",
    },
    "sw": {
        "confirmation": "{clinic}: {patient}, miadi yako ya {type} ni {date} saa {time}.",
        "reminder": "{clinic}: kumbusho, {patient}, miadi yako ya {type} ni {date} saa {time}. "
        "Kubadilisha piga {clinic_phone}.",
        "rescheduled": "{clinic}: {patient}, miadi yako ya {type} imehamishwa hadi {date} "
        "saa {time}.",
        "cancelled": "{clinic}: {patient}, miadi yako ya {type} ya {date} saa {time} imeghairiwa.",
        "needs_reschedule": "{clinic}: {patient}, miadi yako ya {type} ya {date} saa {time} "
        "lazima ibadilishwe. Tafadhali piga {clinic_phone}.",
        "waitlist_offer": "{clinic}: {patient}, nafasi ya {type} iko wazi {date} saa {time}. "
        "Imehifadhiwa hadi {expires}.",
        "offline_conflict_cancelled": "{clinic}: {patient}, hatukuweza kushikilia muda wa "
        "{type} uliopewa, {date} saa {time}: ulikuwa umeshachukuliwa. Tafadhali piga "
        "{clinic_phone} kupanga miadi tena.",
    },
    "fr": {
        "confirmation": "{clinic} : {patient}, votre {type} est réservé le {date} à {time}.",
        "reminder": "{clinic} : rappel, {patient}, votre {type} est le {date} à {time}. "
        "Pour le changer, appelez le {clinic_phone}.",
        "rescheduled": "{clinic} : {patient}, votre {type} est déplacé au {date} à {time}.",
        "cancelled": "{clinic} : {patient}, votre {type} du {date} à {time} est annulé.",
        "needs_reschedule": "{clinic} : {patient}, votre {type} du {date} à {time} doit être "
        "déplacé. Appelez le {clinic_phone}.",
        "waitlist_offer": "{clinic} : {patient}, un créneau {type} est libre le {date} à "
        "{time}, réservé pour vous jusqu'à {expires}.",
        "offline_conflict_cancelled": "{clinic} : {patient}, nous n'avons pas pu garder "
        "l'horaire de {type} qui vous avait été donné le {date} à {time} : il était déjà pris. "
        "Appelez le {clinic_phone} pour reprendre rendez-vous.",
    },
}
KINDS = tuple(BUILT_IN["en"])
"""Kinds a clinic may word its own way (account notices are nobody's clinic's)."""
ACCOUNT_NOTICES: dict[str, dict[str, str]] = {
    "en": {
        "registration_attempt": "{patient}, someone tried to open a new clinic booking account "
        "with your phone number or email. If it was you, you already have an account: sign in "
        "instead. If not, ignore this message: your account has not changed.",
    },
    "sw": {
        "registration_attempt": "{patient}, mtu amejaribu kufungua akaunti mpya ya miadi ya "
        "kliniki kwa nambari yako ya simu au barua pepe yako. Ikiwa ni wewe, tayari una "
        "akaunti: ingia kwayo. Ikiwa si wewe, puuza ujumbe huu: akaunti yako haijabadilika.",
    },
    "fr": {
        "registration_attempt": "{patient}, quelqu'un a essayé d'ouvrir un nouveau compte de "
        "rendez-vous avec votre numéro de téléphone ou votre e-mail. Si c'était vous, vous "
        "avez déjà un compte : connectez-vous. Sinon, ignorez ce message : votre compte n'a "
        "pas changé.",
    },
}


class TemplateError(ValueError):
    """A template that could not be rendered safely."""


def check_template(body: str) -> str:
    """The body if it uses only known placeholders, plainly; else TemplateError."""
    if len(body) > MAX_LENGTH:
        raise TemplateError(f"a template may be at most {MAX_LENGTH} characters")
    try:
        fields = list(Formatter().parse(body))
    except ValueError as exc:
        raise TemplateError(f"unbalanced braces: {exc}") from None
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise TemplateError(f"unknown placeholder {{{name}}}; use {known}")
    return body


@dataclass(frozen=True)
class Visit:
    """What a message says about a visit."""

    patient: str
    clinic: str
    clinic_phone: str | None
    type: str
    starts_at: datetime
    time_zone: str
    expires_at: datetime | None = None


def locale_of(language: str) -> Locale:
    """Babel's locale for a BCP 47 tag, else its language's (a region CLDR does not know),
    else English."""
    for tag in (language, language.split("-")[0]):
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return Locale("en")


def built_in(kind: str, language: str) -> str:
    """The built-in text for a kind (or `opt_out`, the STOP line) in a language (its base
    language, else English)."""
    base = language.split("-")[0]
    if kind == "opt_out":
        return _STOP.get(base, _STOP["en"])
    texts = BUILT_IN.get(language) or BUILT_IN.get(base) or BUILT_IN["en"]
    return f"{texts[kind]} {_STOP.get(base, _STOP['en'])}"


def render(body: str, visit: Visit, language: str) -> str:
    """Fill a checked template for a visit, in the patient's language."""
    locale = locale_of(language)
    local = visit.starts_at.astimezone(zone(visit.time_zone))
    values = {
        "patient": visit.patient.split(" ")[0] if visit.patient else "",
        "clinic": visit.clinic,
        "clinic_phone": visit.clinic_phone or "the clinic",
        "type": visit.type,
        "date": format_date(local, format="full", locale=locale),
        "time": format_time(local, format="short", locale=locale),
        "expires": format_time(
            (visit.expires_at or visit.starts_at).astimezone(zone(visit.time_zone)),
            format="short",
            locale=locale,
        ),
    }
    return body.format_map(values)


def account_notice(kind: str, language: str, full_name: str) -> str:
    """The built-in text of an account notice in a language (its base, else English), with
    how to opt out."""
    base = language.split("-")[0]
    texts = ACCOUNT_NOTICES.get(language) or ACCOUNT_NOTICES.get(base) or ACCOUNT_NOTICES["en"]
    first_name = full_name.split(" ")[0] if full_name else ""
    return f"{texts[kind].format(patient=first_name)} {built_in('opt_out', language)}"
