"""Ed25519 signing keys: the current one signs, the previous one still verifies (rotation)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

log = logging.getLogger(__name__)

CURRENT, PREVIOUS = "current.pem", "previous.pem"


@dataclass(frozen=True)
class SigningKey:
    """A private key and its RFC 7638 thumbprint, used as the `kid`."""

    private_key: Ed25519PrivateKey
    kid: str

    def public_jwk(self) -> dict[str, Any]:
        """The public half as a JWK, for the JWKS."""
        jwk: dict[str, Any] = json.loads(OKPAlgorithm.to_jwk(self.private_key.public_key()))
        return {**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}


def _thumbprint(private_key: Ed25519PrivateKey) -> str:
    jwk = json.loads(OKPAlgorithm.to_jwk(private_key.public_key()))
    canonical = json.dumps(
        {k: jwk[k] for k in ("crv", "kty", "x")}, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _load(path: Path) -> SigningKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return SigningKey(key, _thumbprint(key))


def _generate(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


class KeyRing:
    """The keys in a folder: current.pem signs; current and previous.pem are published."""

    def __init__(self, keys_dir: Path, *, create_if_missing: bool) -> None:
        current = keys_dir / CURRENT
        if not current.exists():
            if not create_if_missing:
                raise FileNotFoundError(f"no signing key at {current}")
            log.info("generating a development signing key in %s", keys_dir)
            _generate(current)
        self.current = _load(current)
        previous = keys_dir / PREVIOUS
        self.previous = _load(previous) if previous.exists() else None

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set of every key that may have signed a live token."""
        keys = [self.current] + ([self.previous] if self.previous else [])
        return {"keys": [key.public_jwk() for key in keys]}
