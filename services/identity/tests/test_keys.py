"""Signing keys and the JWKS: the previous key keeps verifying during a rotation."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from identity.security.keys import CURRENT, PREVIOUS, KeyRing
from identity.settings import Settings


def test_a_development_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = KeyRing(tmp_path, create_if_missing=True)
    again = KeyRing(tmp_path, create_if_missing=True)
    assert first.current.kid == again.current.kid
    assert (tmp_path / CURRENT).stat().st_mode & 0o077 == 0


def test_outside_development_a_missing_key_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        KeyRing(tmp_path, create_if_missing=False)


def test_after_rotation_the_jwks_holds_current_and_previous(tmp_path: Path) -> None:
    old = KeyRing(tmp_path, create_if_missing=True).current
    shutil.move(tmp_path / CURRENT, tmp_path / PREVIOUS)
    ring = KeyRing(tmp_path, create_if_missing=True)
    kids = [key["kid"] for key in ring.jwks()["keys"]]
    assert kids == [ring.current.kid, old.kid]
    assert all(key["alg"] == "EdDSA" and "d" not in key for key in ring.jwks()["keys"])


async def test_the_jwks_endpoint_serves_the_public_keys(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    [key] = response.json()["keys"]
    assert key["kid"] == KeyRing(settings.keys_dir, create_if_missing=False).current.kid
    assert "d" not in key
