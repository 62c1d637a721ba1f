"""Ed25519 signing keys: the current one signs, the previous one still verifies (rotation)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import sys
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


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_ino


class KeyRing:
    """The keys in a folder: current.pem signs; current and previous.pem are published.

    The files are re-read when they change, so `rotate-keys` (or a new secret mounted by the
    orchestrator) takes effect in running processes without a restart.
    """

    def __init__(self, keys_dir: Path, *, create_if_missing: bool) -> None:
        self.keys_dir = keys_dir
        current = keys_dir / CURRENT
        if not current.exists():
            if not create_if_missing:
                raise FileNotFoundError(f"no signing key at {current}")
            log.info("generating a development signing key in %s", keys_dir)
            _generate(current)
        self._stamps: tuple[tuple[int, int] | None, ...] = ()
        self._load()

    def _load(self) -> None:
        current, previous = self.keys_dir / CURRENT, self.keys_dir / PREVIOUS
        self._stamps = (_stamp(current), _stamp(previous))
        self._current = _load(current)
        self._previous = _load(previous) if previous.exists() else None

    def _reload_if_changed(self) -> None:
        stamps = (_stamp(self.keys_dir / CURRENT), _stamp(self.keys_dir / PREVIOUS))
        if stamps != self._stamps and stamps[0] is not None:
            log.info("signing keys changed; reloading them")
            self._load()

    @property
    def current(self) -> SigningKey:
        """The key new tokens are signed with."""
        self._reload_if_changed()
        return self._current

    @property
    def previous(self) -> SigningKey | None:
        """The key before the last rotation, still published so its tokens verify."""
        self._reload_if_changed()
        return self._previous

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set of every key that may have signed a live token."""
        current, previous = self.current, self.previous
        keys = [current] + ([previous] if previous else [])
        return {"keys": [key.public_jwk() for key in keys]}


def rotate(keys_dir: Path) -> SigningKey:
    """current.pem becomes previous.pem and a new current.pem is generated; returns it."""
    current, previous = keys_dir / CURRENT, keys_dir / PREVIOUS
    staged = keys_dir / "next.pem"
    staged.unlink(missing_ok=True)
    _generate(staged)
    if current.exists():
        current.replace(previous)
    staged.replace(current)  # atomic, so a reader never sees a missing current.pem for long
    return _load(current)


def main(argv: list[str]) -> int:
    """`python -m identity rotate-keys`: rotate the signing keys in IDENTITY_KEYS_DIR."""
    from identity.settings import Settings

    if argv:
        print("usage: python -m identity rotate-keys", file=sys.stderr)
        return 2
    key = rotate(Settings().keys_dir)
    print(f"new signing key {key.kid}; the previous key stays published until the next rotation")
    return 0
