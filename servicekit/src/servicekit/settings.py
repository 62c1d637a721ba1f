"""Settings shared by every service; each service subclasses ServiceSettings with its own prefix."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

Environment = Literal["development", "test", "production"]

# Values that signal "nobody set this secret": refused anywhere but development.
# Published outbox rows are kept this long (the relay prunes older ones).
OUTBOX_RETENTION_HOURS = 72

PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "change_me", "secret", "password", "placeholder", "example"}
)


class CommonSettings(BaseSettings):
    """Settings every process reads, without a service prefix (KAFKA_BOOTSTRAP_SERVERS, ...)."""

    model_config = SettingsConfigDict(extra="ignore", env_ignore_empty=True, populate_by_name=True)

    environment: Environment = Field("development", validation_alias="ENVIRONMENT")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS"
    )
    # Apache Kafka supports idempotent producers; the Tansu broker of the local stack does not.
    kafka_enable_idempotence: bool = Field(False, validation_alias="KAFKA_ENABLE_IDEMPOTENCE")
    # Namespaces every topic name, so that tests or tenants can share one cluster.
    kafka_topic_prefix: str = Field("", validation_alias="KAFKA_TOPIC_PREFIX")
    jwks_url: str = Field(
        "http://127.0.0.1:8001/.well-known/jwks.json", validation_alias="JWKS_URL"
    )
    jwt_issuer: str = Field("clinic-identity", validation_alias="JWT_ISSUER")
    jwt_audience: str = Field("clinic-api", validation_alias="JWT_AUDIENCE")
    # Clock difference tolerated on a token's exp, nbf and iat, in seconds: a few at most, since
    # an expired token is accepted for that long.
    jwt_leeway_seconds: float = Field(5.0, ge=0, le=60, validation_alias="JWT_LEEWAY_SECONDS")
    otel_exporter_otlp_endpoint: str | None = Field(
        None, validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT"
    )

    def topic(self, name: str) -> str:
        """The broker-side name of a contract topic."""
        return f"{self.kafka_topic_prefix}{name}"

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> CommonSettings:
        if self.environment == "development":
            return self
        for name, value in self._secrets().items():
            if value.strip().lower() in PLACEHOLDER_SECRETS:
                raise ValueError(
                    f"{name} holds a placeholder secret; set a real one "
                    f"(placeholders are accepted only when ENVIRONMENT=development)"
                )
        return self

    def _secrets(self) -> dict[str, str]:
        secrets = {
            name: value.get_secret_value()
            for name, value in self.__dict__.items()
            if isinstance(value, SecretStr)
        }
        url = self.__dict__.get("database_url")
        if isinstance(url, SecretStr):
            secrets["database_url password"] = make_url(url.get_secret_value()).password or ""
        return secrets


class ServiceSettings(CommonSettings):
    """A service's settings; subclasses set `service_name` and `env_prefix` (e.g. BOOKING_)."""

    service_name: ClassVar[str]
    default_port: ClassVar[int]

    host: str = "127.0.0.1"
    port: int = 0
    database_url: SecretStr = SecretStr("postgresql+asyncpg://localhost/clinic")
    # Connections beyond the pool are opened and closed per use, which costs more than the query:
    # size the pool for the requests one replica serves at once.
    database_pool_size: int = Field(20, ge=1)
    database_max_overflow: int = Field(10, ge=0)
    # A fallback only: the relay is woken by NOTIFY at each commit that adds an event.
    outbox_poll_interval_seconds: float = 5.0
    outbox_batch_size: int = 500
    # After the broker lost its data (an in-memory Tansu restarted), events published this
    # long before are published again; below the outbox's 72 h pruning of published rows.
    outbox_replay_window_seconds: float = Field(6 * 3600, gt=0, lt=OUTBOX_RETENTION_HOURS * 3600)
    consumer_max_attempts: int = 5
    consumer_retry_backoff_seconds: float = 0.2
    # A dashboard figure, and the lag alert waits 10 minutes: a sample a minute is plenty.
    consumer_lag_interval_seconds: float = Field(60.0, gt=0)

    @model_validator(mode="after")
    def _default_port(self) -> ServiceSettings:
        if self.port == 0:
            self.port = self.default_port
        return self
