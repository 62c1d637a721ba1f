"""Settings come from GATEWAY_* and the common unprefixed variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from gateway.settings import Settings


def test_defaults_match_the_local_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "GATEWAY_PORT",
        "GATEWAY_BOOKING_URL",
        "GATEWAY_MAX_BODY_BYTES",
        "GATEWAY_RATE_LIMIT_USER_PER_MINUTE",
        "GATEWAY_RATE_LIMIT_USER_BURST",
        "GATEWAY_CORS_ORIGINS",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.upstreams()["booking"] == "http://127.0.0.1:8002"
    assert settings.upstreams()["reporting"] == "http://127.0.0.1:8005"
    assert settings.max_body_bytes == 1024 * 1024
    assert not settings.trust_forwarded_for
    assert (settings.rate_limit_user_per_minute, settings.rate_limit_user_burst) == (300, 60)
    assert settings.cors_origins == []  # CORS off


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_PORT", "9000")
    monkeypatch.setenv("GATEWAY_BOOKING_URL", "http://booking:8000")
    monkeypatch.setenv("GATEWAY_RATE_LIMIT_BURST", "5")
    monkeypatch.setenv("GATEWAY_TRUST_FORWARDED_FOR", "true")
    monkeypatch.setenv("JWKS_URL", "http://identity:8000/.well-known/jwks.json")
    settings = Settings()
    assert settings.port == 9000
    assert settings.upstreams()["booking"] == "http://booking:8000"
    assert settings.rate_limit_burst == 5
    assert settings.trust_forwarded_for
    assert settings.jwks_url == "http://identity:8000/.well-known/jwks.json"


@pytest.mark.parametrize(
    "value",
    [
        '["https://app.example", "https://admin.example"]',
        "https://app.example,https://admin.example",
        " https://app.example/ , https://admin.example ",
    ],
)
def test_cors_origins_as_json_or_comma_separated(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", value)
    assert Settings().cors_origins == ["https://app.example", "https://admin.example"]


def test_an_empty_cors_origins_leaves_cors_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", "")
    assert Settings().cors_origins == []


def test_the_user_rate_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_RATE_LIMIT_USER_PER_MINUTE", "30")
    monkeypatch.setenv("GATEWAY_RATE_LIMIT_USER_BURST", "5")
    settings = Settings()
    assert (settings.rate_limit_user_per_minute, settings.rate_limit_user_burst) == (30, 5)


def test_the_web_app_folder_is_optional(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GATEWAY_WEB_DIR", raising=False)
    assert Settings().web_dir is None  # no web app: / is a 404 as before
    monkeypatch.setenv("GATEWAY_WEB_DIR", "")
    assert Settings().web_dir is None
    monkeypatch.setenv("GATEWAY_WEB_DIR", str(tmp_path))
    assert Settings().web_dir == tmp_path
