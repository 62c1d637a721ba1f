"""The fixtures every service's tests start from, made once here instead of in each conftest.

A service's `tests/conftest.py` names what differs and binds the fixtures by name:

    settings, issuer, app, client, runtime, apply = service_fixtures(
        "booking", Settings, lambda s: create_app(s, consume=False), handler=on_event
    )

- `settings`: the service's settings on a freshly emptied schema of the session's PostgreSQL
  (and the session's broker with this test's topic prefix, unless `broker=False`);
- `issuer`: a `TokenIssuer` whose tokens the app accepts;
- `app`: the app with its lifespan started (`lifespan=False`: only built, its engine disposed
  after the test), verifying the issuer's tokens;
- `client`: an `httpx.AsyncClient` talking to the app in-process;
- `runtime`: the app's `ServiceRuntime` (sessions, outbox, settings);
- `apply(*events)`: events applied through the consumer's own handler (`deliver`), one
  transaction each, as the broker would bring them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, NamedTuple, Protocol, TypeVar

import httpx
import pytest
from clinic_contracts.envelope import Event, new_envelope
from fastapi import FastAPI

from servicekit.consumer import Handler, deliver
from servicekit.runtime import ServiceRuntime
from servicekit.settings import ServiceSettings
from servicekit.testing.apps import serving
from servicekit.testing.databases import CleanServiceDatabase
from servicekit.testing.issuer import TokenIssuer

S = TypeVar("S", bound=ServiceSettings)


class Apply(Protocol):
    """Apply events through the service's consumer handler, one transaction each."""

    async def __call__(self, *events: Event) -> None: ...


class ServiceFixtures(NamedTuple):
    """Fixture functions, to be bound in a conftest under these same names."""

    settings: Any
    issuer: Any
    app: Any
    client: Any
    runtime: Any
    apply: Any


def service_fixtures(
    service: str,
    settings_type: Callable[..., S],
    build_app: Callable[[S], FastAPI],
    *,
    handler: Handler | None = None,
    broker: bool = True,
    lifespan: bool = True,
    producer: str = "test",
    **overrides: Any,
) -> ServiceFixtures:
    """The standard fixtures of `service` (its schema name; also the client's host name)."""
    return ServiceFixtures(
        settings=_settings(service, settings_type, broker, overrides),
        issuer=issuer,
        app=_app(build_app, lifespan),
        client=_client(service),
        runtime=_runtime(),
        apply=_apply(service, handler, producer),
    )


@pytest.fixture(name="issuer")
def issuer() -> TokenIssuer:
    """Signs tokens the app accepts (its verifier is set to this issuer's key)."""
    return TokenIssuer()


def _settings(
    service: str, settings_type: Callable[..., S], broker: bool, overrides: dict[str, Any]
) -> Any:
    if not broker:

        @pytest.fixture(name="settings")
        async def settings_without_broker(clean_service_database: CleanServiceDatabase) -> S:
            return settings_type(database_url=await clean_service_database(service), **overrides)

        return settings_without_broker

    @pytest.fixture(name="settings")
    async def settings_with_broker(
        clean_service_database: CleanServiceDatabase,
        kafka_bootstrap_servers: str,
        kafka_topic_prefix: str,
    ) -> S:
        return settings_type(
            database_url=await clean_service_database(service),
            kafka_bootstrap_servers=kafka_bootstrap_servers,
            kafka_topic_prefix=kafka_topic_prefix,
            **overrides,
        )

    return settings_with_broker


def _app(build_app: Callable[[S], FastAPI], lifespan: bool) -> Any:
    @pytest.fixture(name="app")
    async def app(settings: S, issuer: TokenIssuer) -> AsyncIterator[FastAPI]:
        built = build_app(settings)
        if not lifespan:
            built.state.verifier = issuer.verifier()
            yield built
            await built.state.runtime.engine.dispose()
            return
        async with serving(built, issuer.verifier()):
            yield built

    return app


def _client(service: str) -> Any:
    @pytest.fixture(name="client")
    async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{service}.test") as c:
            yield c

    return client


def _runtime() -> Any:
    @pytest.fixture(name="runtime")
    def runtime(app: FastAPI) -> ServiceRuntime:
        found: ServiceRuntime = app.state.runtime
        return found

    return runtime


def _apply(service: str, handler: Handler | None, producer: str) -> Any:
    @pytest.fixture(name="apply")
    def apply(runtime: ServiceRuntime) -> Apply:
        if handler is None:
            raise RuntimeError(f"{service}'s fixtures were made without a consumer handler")
        consume = handler

        async def apply_events(*events: Event) -> None:
            for event in events:
                async with runtime.sessions() as session, session.begin():
                    await deliver(consume, session, new_envelope(event, producer=producer))

        return apply_events

    return apply
