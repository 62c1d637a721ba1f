"""The development token command signs with the local key and is refused in production."""

import subprocess
import sys
import uuid
from pathlib import Path

import jwt
from identity.security.keys import KeyRing


def run(
    tmp_path: Path, *args: str, environment: str = "development"
) -> subprocess.CompletedProcess[str]:
    env = {"IDENTITY_KEYS_DIR": str(tmp_path), "ENVIRONMENT": environment, "PATH": ""}
    return subprocess.run(
        [sys.executable, "-m", "identity", "dev-token", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_prints_a_token_signed_by_the_local_key(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path, create_if_missing=True)
    clinic = uuid.uuid4()
    result = run(tmp_path, "--role", "receptionist", "--clinic", str(clinic))
    assert result.returncode == 0, result.stderr
    claims = jwt.decode(
        result.stdout.strip(),
        ring.current.private_key.public_key(),
        algorithms=["EdDSA"],
        audience="clinic-api",
    )
    assert claims["roles"] == [{"role": "receptionist", "clinic_id": str(clinic)}]


def test_refused_in_production(tmp_path: Path) -> None:
    KeyRing(tmp_path, create_if_missing=True)
    result = run(tmp_path, environment="production")
    assert result.returncode == 2
    assert "refused" in result.stderr
