"""The shifts service starts, reports readiness honestly and exports its metrics."""

from servicekit.testing.apps import running_app, wait_ready
from shifts.app import create_app
from shifts.settings import Settings


async def test_ready_against_real_database_and_broker(
    clean_service_database, kafka_bootstrap_servers, kafka_topic_prefix
):
    settings = Settings(
        database_url=await clean_service_database("shifts"),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=kafka_topic_prefix,
    )
    async with running_app(create_app(settings)) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await wait_ready(client)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}
        metrics = (await client.get("/metrics")).text
        assert "outbox_published_events_total" in metrics or "outbox_pending_events" in metrics


async def test_not_ready_when_the_database_is_unreachable(
    kafka_bootstrap_servers, kafka_topic_prefix
):
    settings = Settings(
        database_url="postgresql+asyncpg://shifts_svc:x@127.0.0.1:1/clinic",
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=kafka_topic_prefix,
    )
    async with running_app(create_app(settings)) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["checks"]["database"] == "unreachable"
