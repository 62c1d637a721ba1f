"""Password rules as pure code: zxcvbn with the person's own data, the shipped breached list,
lengths, and reasons a person can act on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from identity.security.breached import breached_passwords, is_breached, normalise
from identity.security.password_strength import (
    MAX_LENGTH,
    WORDS_ADVICE,
    PasswordPolicy,
    Personal,
    judge,
    rules,
)

POLICY = PasswordPolicy(min_length=12, min_score=3)
WANJIKU = Personal("Wanjiku Kamau", "wanjiku.k@example.org", "+254712345678", date(1990, 3, 14))
NOBODY = Personal()


def codes(password: str, personal: Personal = NOBODY, policy: PasswordPolicy = POLICY) -> list[str]:
    return [w.code for w in judge(password, personal=personal, policy=policy).weaknesses]


def test_the_issues_keyboard_example_is_refused_as_a_leaked_password() -> None:
    verdict = judge("qwertyuiop123", personal=NOBODY, policy=POLICY)
    assert not verdict.acceptable
    [weakness] = verdict.weaknesses
    assert weakness.code == "breached"
    assert "leaked" in weakness.message
    assert WORDS_ADVICE in verdict.suggestions


def test_the_issues_name_without_its_space_is_refused_as_personal_data() -> None:
    verdict = judge("WanjikuKamau2026", personal=WANJIKU, policy=POLICY)
    assert [w.code for w in verdict.weaknesses] == ["personal_data"]
    assert verdict.weaknesses[0].message == (
        "It contains your name, phone number, email address or date of birth."
    )
    assert verdict.suggestions  # and something to do about it


def test_zxcvbn_alone_scores_the_name_low_once_it_knows_the_person() -> None:
    # Without the person's data the same string looks random; the user inputs are what count.
    assert codes("WanjikuKamau2026") == []
    assert "personal_data" in codes("wanjikukamau-2026", WANJIKU)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "mango jua baridi kesho asubuhi",
        "a long enough passphrase",  # what the test suites sign up with
        "an e2e passphrase long enough",
        "Kibera clinic opens at dawn",
    ],
)
def test_good_passphrases_are_accepted(password: str) -> None:
    verdict = judge(password, personal=WANJIKU, policy=POLICY)
    assert verdict.acceptable, verdict.weaknesses
    assert verdict.suggestions == ()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("asdfghjkl;'qwe", "keyboard_pattern"),
        ("abcabcabcabcabc", "repeated"),
        ("zzzzzzzzzzzzzzzz", "repeated"),
        ("patriciasmith1", "names"),
    ],
)
def test_zxcvbns_warnings_come_out_in_plain_words(password: str, code: str) -> None:
    verdict = judge(password, personal=NOBODY, policy=POLICY)
    assert code in [w.code for w in verdict.weaknesses]
    assert all(w.message.startswith("It ") for w in verdict.weaknesses)


@pytest.mark.parametrize(
    "password",
    [
        "Password1234!",  # "password" with digits and a symbol added
        "  QWERTY123456  ",  # case and surrounding spaces do not matter
        "".join(chr(ord(c) + 0xFEE0) for c in "qwerty123456"),  # full width: NFKC folds it
        "1qaz2wsx3edc",
        "iloveyou!!!!!!",
    ],
)
def test_leaked_passwords_are_found_however_they_are_dressed(password: str) -> None:
    assert is_breached(password)
    assert "breached" in codes(password)


def test_the_breached_list_is_normalised_and_large() -> None:
    listed = breached_passwords()
    assert len(listed) > 50_000
    assert all(entry == normalise(entry) for entry in list(listed)[:5000])


def test_passphrases_nobody_leaked_are_not_on_the_breached_list() -> None:
    assert not is_breached("jua kali mango sunrise")
    assert not is_breached("99 red balloons floating")


@pytest.mark.parametrize(
    "password",
    [
        "my number 0712345678!",
        "call 712345678 anytime",
        "wanjiku.k rocks hard!",
        "born 14031990 in nyeri",
        "born 19900314 in nyeri",
    ],
)
def test_phone_email_and_birth_date_may_not_be_in_it(password: str) -> None:
    assert "personal_data" in codes(password, WANJIKU)
    assert "personal_data" not in codes(password, NOBODY)


def test_too_short_is_a_reason_of_its_own() -> None:
    assert "too_short" in codes("kesho mvua")


def test_the_minimum_length_is_a_setting() -> None:
    assert codes("kesho mvua", policy=PasswordPolicy(min_length=8, min_score=0)) == []


def test_too_long_is_a_reason_of_its_own() -> None:
    verdict = judge("x7Rq" * 40, personal=NOBODY, policy=POLICY)
    assert "too_long" in [w.code for w in verdict.weaknesses]
    assert f"{MAX_LENGTH} characters" in verdict.weaknesses[0].message


def test_the_minimum_score_is_a_setting() -> None:
    weak_but_not_leaked = "guessing guessing"  # zxcvbn scores it 3
    assert codes(weak_but_not_leaked, policy=PasswordPolicy(min_score=3)) == []
    assert codes(weak_but_not_leaked, policy=PasswordPolicy(min_score=4)) != []


def test_the_rules_say_what_is_configured() -> None:
    text = " ".join(rules(PasswordPolicy(min_length=14, min_score=4)))
    assert "14 and 128 characters" in text
    assert "at least 4" in text
    assert "date of birth" in text


def test_concurrent_judgements_keep_each_persons_data_apart() -> None:
    # zxcvbn keeps user inputs in a module global; without the lock threads would mix them.
    people = [Personal(f"Person{n:03d} Example") for n in range(40)]

    def own_name_refused(n: int) -> bool:
        password = f"person{n:03d}example"
        return "personal_data" in codes(password, people[n])

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(own_name_refused, range(40)))
