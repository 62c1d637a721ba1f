"""Settings refuse placeholder secrets outside development."""

import pytest
from pydantic import ValidationError
from servicekit.settings import ServiceSettings


class DemoSettings(ServiceSettings):
    service_name = "demo"
    default_port = 9999


def test_placeholder_database_password_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        DemoSettings(
            environment="production",
            database_url="postgresql+asyncpg://demo_svc:changeme@db/clinic",
        )


def test_placeholder_is_accepted_in_development() -> None:
    settings = DemoSettings(database_url="postgresql+asyncpg://demo_svc:changeme@db/clinic")
    assert settings.port == 9999


def test_a_real_secret_passes_in_production() -> None:
    settings = DemoSettings(
        environment="production",
        database_url="postgresql+asyncpg://demo_svc:Xk3-long-random-9q@db/clinic",
    )
    assert "Xk3" not in repr(settings)


def test_env_prefix_and_shared_names(monkeypatch: pytest.MonkeyPatch) -> None:
    class Booking(ServiceSettings):
        model_config = {"env_prefix": "BOOKING_"}
        service_name = "booking"
        default_port = 8002

    monkeypatch.setenv("BOOKING_PORT", "9100")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("KAFKA_TOPIC_PREFIX", "staging.")
    settings = Booking()
    assert settings.port == 9100
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.topic("clinic.booking.v1") == "staging.clinic.booking.v1"


def test_the_replay_window_stays_inside_the_outbox_retention(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_OUTBOX_REPLAY_WINDOW_SECONDS", "7200")

    class Demo(DemoSettings):
        model_config = {"env_prefix": "DEMO_"}

    assert Demo().outbox_replay_window_seconds == 7200
    # Rows published longer ago are pruned: a longer window would replay an incomplete past.
    with pytest.raises(ValidationError, match="outbox_replay_window_seconds"):
        DemoSettings(outbox_replay_window_seconds=72 * 3600)
    with pytest.raises(ValidationError, match="outbox_replay_window_seconds"):
        DemoSettings(outbox_replay_window_seconds=0)


def test_the_token_leeway_is_a_few_seconds_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert DemoSettings().jwt_leeway_seconds == 5.0
    monkeypatch.setenv("JWT_LEEWAY_SECONDS", "2")
    assert DemoSettings().jwt_leeway_seconds == 2.0
    monkeypatch.setenv("JWT_LEEWAY_SECONDS", "600")  # an expired token alive for 10 minutes
    with pytest.raises(ValidationError, match="JWT_LEEWAY_SECONDS"):
        DemoSettings()
