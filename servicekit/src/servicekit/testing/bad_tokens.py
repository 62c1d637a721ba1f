"""Crafted access tokens that every verifier of the system must refuse.

`bad_tokens(key, kid, issuer=..., audience=...)` returns (name, token) pairs: forged,
tampered, malformed, out-of-date and confused tokens, each one something a careless verifier
could plausibly accept. Tokens "signed by our key" differ from a valid token by exactly one
deviation, so a refusal can only come from that deviation; `valid_token()` builds the valid
token the same way, as the positive control. Every token is printable ASCII without spaces, so
it can be sent unchanged in an `Authorization: Bearer` header.

`rejection_faults(response)` lists what is wrong with an HTTP answer to a bad token (401,
problem+json of type unauthorized, `WWW-Authenticate: Bearer`); empty when it is right.
"""

from __future__ import annotations

import base64
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

__all__ = [
    "DROP",
    "HUGE_CLAIM_BYTES",
    "bad_tokens",
    "claims",
    "compact",
    "rejection_faults",
    "valid_token",
]

Signer = Callable[[bytes], bytes]
HUGE_CLAIM_BYTES = 100 * 1024
# Far outside the verifiers' leeway for exp, nbf and iat (JWT_LEEWAY_SECONDS: at most 60).
_OUTSIDE_LEEWAY = 300
# A few seconds outside the default leeway (5 s): accepted by the 30 s leeway of old.
_JUST_OUTSIDE_DEFAULT_LEEWAY = 15
DROP: Any = object()  # as a claim override: leave that claim out


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _json(value: Any) -> bytes:
    # allow_nan: the NaN and Infinity attacks need JSON that Python's own parser accepts.
    return json.dumps(value, separators=(",", ":"), allow_nan=True).encode()


def claims(issuer: str, audience: str, **overrides: Any) -> dict[str, Any]:
    """Valid access-token claims as identity issues them; an override of `DROP` removes one.

    As identity's, `iat` is to the microsecond (a revocation is compared with it).
    """
    issued = time.time()
    now = int(issued)
    values: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": str(uuid.uuid4()),
        "iat": issued,
        "nbf": now,
        "exp": now + 900,
        "jti": uuid.uuid4().hex,
        "sid": str(uuid.uuid4()),
        "roles": [{"role": "patient", "clinic_id": None}],
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not DROP}


def compact(header: dict[str, Any], payload: dict[str, Any] | bytes, sign: Signer | None) -> str:
    """A JWS compact serialization; `payload` bytes are used as the JSON text itself."""
    body = payload if isinstance(payload, bytes) else _json(payload)
    signing_input = f"{b64url(_json(header))}.{b64url(body)}"
    signature = sign(signing_input.encode("ascii")) if sign else b""
    return f"{signing_input}.{b64url(signature)}"


def valid_token(
    signing_key: Ed25519PrivateKey, kid: str, *, issuer: str, audience: str, **overrides: Any
) -> str:
    """A token the verifier must accept, built exactly as the bad ones are."""
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    return compact(header, claims(issuer, audience, **overrides), signing_key.sign)


def _hmac(secret: bytes, digest: str = "sha256") -> Signer:
    return lambda data: hmac.new(secret, data, digest).digest()


def _rsa_signer(key: rsa.RSAPrivateKey, pss: bool) -> Signer:
    scheme = (
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=hashes.SHA256.digest_size)
        if pss
        else padding.PKCS1v15()
    )
    return lambda data: key.sign(data, scheme, hashes.SHA256())


def _es256_signer(key: ec.EllipticCurvePrivateKey) -> Signer:
    def sign(data: bytes) -> bytes:
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")  # JWS form: R || S

    return sign


def _public_jwk(key: Ed25519PrivateKey, kid: str | None = None) -> dict[str, Any]:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    return {**jwk, "kid": kid} if kid else jwk


def _other_case(text: str) -> str:
    changed = text.swapcase()
    return changed if changed != text else f"{text}X"


def _with_signature(token: str, signature: bytes | str) -> str:
    header, payload, _ = token.split(".")
    encoded = signature if isinstance(signature, str) else b64url(signature)
    return f"{header}.{payload}.{encoded}"


def _with_payload(token: str, payload: dict[str, Any]) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{b64url(_json(payload))}.{signature}"


def bad_tokens(
    signing_key: Ed25519PrivateKey, kid: str, *, issuer: str, audience: str
) -> list[tuple[str, str]]:
    """(name, token) pairs that a verifier trusting `signing_key` as `kid` must all refuse."""
    now = int(time.time())
    ours = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    sign = signing_key.sign
    attacker = Ed25519PrivateKey.generate()
    attacker_kid = "attacker-key-1"
    public = signing_key.public_key()
    public_raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    public_pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def good(**overrides: Any) -> dict[str, Any]:
        return claims(issuer, audience, **overrides)

    def ours_signed(**overrides: Any) -> str:
        """Signed by the real key: refused only for the claim that `overrides` breaks."""
        return compact(ours, good(**overrides), sign)

    def with_header(header: dict[str, Any], signer: Signer | None, **overrides: Any) -> str:
        return compact(header, good(**overrides), signer)

    valid = valid_token(signing_key, kid, issuer=issuer, audience=audience)
    header_b64, payload_b64, signature_b64 = valid.split(".")
    signature = _b64url_decode(signature_b64)
    payload = json.loads(_b64url_decode(payload_b64))
    flipped = bytes([signature[0] ^ 0x01, *signature[1:-1], signature[-1] ^ 0x80])
    unencoded_header = {**ours, "b64": False, "crit": ["b64"]}
    unencoded_body = _json(good())
    unencoded_input = f"{b64url(_json(unencoded_header))}.".encode() + unencoded_body
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())

    tokens: list[tuple[str, str]] = [
        # --- out of date: the real key signed it, but not for now ---
        ("expired", ours_signed(iat=now - 7200, nbf=now - 7200, exp=now - 3600)),
        (
            "expired_beyond_leeway",
            ours_signed(iat=now - 1200, nbf=now - 1200, exp=now - _OUTSIDE_LEEWAY),
        ),
        (
            "expired_seconds_beyond_leeway",
            ours_signed(iat=now - 900, nbf=now - 900, exp=now - _JUST_OUTSIDE_DEFAULT_LEEWAY),
        ),
        ("not_yet_valid", ours_signed(nbf=now + 3600, exp=now + 4500)),
        ("nbf_beyond_leeway", ours_signed(nbf=now + _OUTSIDE_LEEWAY)),
        ("issued_in_the_future", ours_signed(iat=now + 3600, nbf=now, exp=now + 900)),
        ("exp_not_a_number", ours_signed(exp="never")),
        ("exp_numeric_string_in_the_past", ours_signed(exp=str(now - 3600))),
        ("exp_nan", ours_signed(exp=float("nan"))),
        ("exp_infinity", ours_signed(exp=float("inf"))),
        ("exp_null", ours_signed(exp=None)),
        ("iat_numeric_string", ours_signed(iat=str(now))),
        ("iat_boolean", ours_signed(iat=True)),
        # Identity issues 15-minute tokens; a longer life could outlast the token's revocation.
        ("lifetime_longer_than_access_tokens", ours_signed(iat=now - 1000, exp=now + 600)),
        # --- for someone else ---
        ("wrong_issuer", ours_signed(iss="evil-identity")),
        ("issuer_case_changed", ours_signed(iss=_other_case(issuer))),
        ("issuer_substring", ours_signed(iss=issuer[:-1])),
        ("issuer_as_list", ours_signed(iss=[issuer])),
        ("wrong_audience", ours_signed(aud="another-api")),
        ("audience_list_without_ours", ours_signed(aud=["another-api", "third-api"])),
        ("audience_empty_list", ours_signed(aud=[])),
        ("audience_substring", ours_signed(aud=audience[:-1])),
        # --- a required claim missing ---
        *(
            (f"missing_{claim}", ours_signed(**{claim: DROP}))
            for claim in ("exp", "iat", "nbf", "iss", "aud", "sub", "jti", "sid")
        ),
        # --- claims of the wrong shape ---
        ("sub_not_a_uuid", ours_signed(sub="admin")),
        ("sub_not_a_string", ours_signed(sub=12345)),
        ("jti_not_a_string", ours_signed(jti=12345)),
        ("sid_not_a_uuid", ours_signed(sid="session-1")),
        ("sid_not_a_string", ours_signed(sid=12345)),
        ("roles_not_a_list", ours_signed(roles="org_admin")),
        ("roles_items_not_objects", ours_signed(roles=["org_admin"])),
        ("roles_item_without_role", ours_signed(roles=[{"clinic_id": str(uuid.uuid4())}])),
        (
            "roles_clinic_id_not_a_uuid",
            ours_signed(roles=[{"role": "clinic_admin", "clinic_id": "clinic-7"}]),
        ),
        ("payload_not_an_object", compact(ours, _json(["org_admin"]), sign)),
        ("payload_not_json", compact(ours, b"{not json", sign)),
        ("header_not_json", f"{b64url(b'{not json')}.{payload_b64}.{signature_b64}"),
        # --- no signature algorithm, or a confused one ---
        ("alg_none_with_kid", with_header({**ours, "alg": "none"}, None)),
        ("alg_none_without_kid", with_header({"alg": "none", "typ": "JWT"}, None)),
        ("alg_none_uppercase", with_header({**ours, "alg": "NONE"}, None)),
        (
            "alg_none_keeping_a_real_signature",
            _with_signature(with_header({**ours, "alg": "none"}, None), signature),
        ),
        (
            "hs256_public_key_raw_as_secret",
            with_header({**ours, "alg": "HS256"}, _hmac(public_raw)),
        ),
        (
            "hs256_public_key_pem_as_secret",
            with_header({**ours, "alg": "HS256"}, _hmac(public_pem)),
        ),
        (
            "hs512_public_jwk_x_as_secret",
            with_header(
                {**ours, "alg": "HS512"},
                _hmac(_public_jwk(signing_key)["x"].encode(), "sha512"),
            ),
        ),
        (
            "rs256_attacker_key_our_kid",
            with_header({**ours, "alg": "RS256"}, _rsa_signer(rsa_key, pss=False)),
        ),
        (
            "ps256_attacker_key_our_kid",
            with_header({**ours, "alg": "PS256"}, _rsa_signer(rsa_key, pss=True)),
        ),
        (
            "es256_attacker_key_our_kid",
            with_header({**ours, "alg": "ES256"}, _es256_signer(ec_key)),
        ),
        # CVE-2022-21449: an ECDSA signature r = s = 0 that broken verifiers accepted.
        ("es256_psychic_signature", with_header({**ours, "alg": "ES256"}, lambda _: bytes(64))),
        # --- EdDSA, but not by our key ---
        ("eddsa_other_key_our_kid", with_header(ours, attacker.sign)),
        ("eddsa_ed448_key_our_kid", with_header(ours, Ed448PrivateKey.generate().sign)),
        ("eddsa_zero_signature", with_header(ours, lambda _: bytes(64))),
        (
            "signature_of_another_token",
            _with_signature(
                valid,
                valid_token(
                    signing_key, kid, issuer=issuer, audience=audience, sub=str(uuid.uuid4())
                ).split(".")[2],
            ),
        ),
        # --- which key? ---
        ("unknown_kid", with_header({**ours, "kid": attacker_kid}, attacker.sign)),
        ("missing_kid", with_header({"alg": "EdDSA", "typ": "JWT"}, attacker.sign)),
        ("missing_kid_real_signature", with_header({"alg": "EdDSA", "typ": "JWT"}, sign)),
        ("empty_kid", with_header({**ours, "kid": ""}, attacker.sign)),
        ("kid_not_a_string", with_header({**ours, "kid": [kid]}, sign)),
        (
            "kid_path_traversal_hs256_empty_secret",
            with_header({**ours, "alg": "HS256", "kid": "../../../../../../dev/null"}, _hmac(b"")),
        ),
        (
            "kid_sql_injection_hs256",
            with_header(
                {**ours, "alg": "HS256", "kid": "x' UNION SELECT 'secret' --"}, _hmac(b"secret")
            ),
        ),
        # --- header parameters pointing at the attacker's key ---
        (
            "jku_attacker_jwks",
            with_header(
                {**ours, "kid": attacker_kid, "jku": "https://attacker.example/jwks.json"},
                attacker.sign,
            ),
        ),
        (
            "x5u_attacker_certificate",
            with_header(
                {**ours, "kid": attacker_kid, "x5u": "https://attacker.example/cert.pem"},
                attacker.sign,
            ),
        ),
        (
            "jwk_embedded_attacker_key_our_kid",
            with_header({**ours, "jwk": _public_jwk(attacker, kid)}, attacker.sign),
        ),
        (
            "jwk_embedded_attacker_key_no_kid",
            with_header(
                {"alg": "EdDSA", "typ": "JWT", "jwk": _public_jwk(attacker)}, attacker.sign
            ),
        ),
        (
            "crit_unknown_extension",
            with_header(
                {**ours, "crit": ["urn:attacker:skip-checks"], "urn:attacker:skip-checks": True},
                sign,
            ),
        ),
        (
            "unencoded_payload_b64_false",
            f"{unencoded_input.decode()}.{b64url(sign(unencoded_input))}",
        ),
        # --- a real token, altered ---
        ("tampered_sub", _with_payload(valid, {**payload, "sub": str(uuid.uuid4())})),
        (
            "tampered_roles_org_admin",
            _with_payload(valid, {**payload, "roles": [{"role": "org_admin", "clinic_id": None}]}),
        ),
        ("tampered_exp_extended", _with_payload(valid, {**payload, "exp": now + 10 * 365 * 86400})),
        ("signature_bits_flipped", _with_signature(valid, flipped)),
        ("signature_truncated", _with_signature(valid, signature[:32])),
        ("signature_empty", _with_signature(valid, b"")),
        ("signature_removed_two_segments", f"{header_b64}.{payload_b64}"),
        ("extra_segment", f"{valid}.{signature_b64}"),
        (
            "jwe_five_segments",
            ".".join(
                [
                    b64url(_json({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": kid})),
                    b64url(bytes(range(64))),
                    b64url(bytes(12)),
                    payload_b64,
                    b64url(bytes(16)),
                ]
            ),
        ),
        (
            "non_base64_characters",
            f"{header_b64}.{payload_b64[:8]}$!*{payload_b64[8:]}.{signature_b64}",
        ),
        # --- not a token at all ---
        ("garbage", "this-is-not-a-token"),
        ("empty", ""),
        ("dots_only", ".."),
        ("random_base64_segments", f"{b64url(b'hello')}.{b64url(b'world')}.{b64url(b'!')}"),
        # --- a big one: the verifier must refuse it, not choke on it ---
        (
            "huge_claim_100kb",
            with_header(ours, attacker.sign, filler="A" * HUGE_CLAIM_BYTES),
        ),
    ]
    return tokens


def rejection_faults(response: httpx.Response) -> list[str]:
    """What is wrong with a response to a bad token: empty for 401 unauthorized problem+json."""
    faults = []
    if response.status_code != 401:
        faults.append(f"status {response.status_code}, not 401")
    if response.headers.get("content-type") != "application/problem+json":
        faults.append(f"content-type {response.headers.get('content-type')!r}")
    if not response.headers.get("www-authenticate", "").startswith("Bearer"):
        faults.append(f"WWW-Authenticate {response.headers.get('www-authenticate')!r}")
    try:
        kind = response.json().get("type")
    except (ValueError, AttributeError):
        kind = None
    if kind != "urn:clinic:problem:unauthorized":
        faults.append(f"problem type {kind!r}")
    return faults
