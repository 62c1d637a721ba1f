"""The notify service starts, reports readiness honestly and exports its metrics."""

from notify.app import create_app
from notify.settings import Settings
from servicekit.testing.apps import check_not_ready_without_database, check_ready_with_real_servers


async def test_ready_against_real_servers(clean_service_database, kafka_bootstrap_servers):
    url = await clean_service_database("notify")
    settings = Settings(database_url=url, kafka_bootstrap_servers=kafka_bootstrap_servers)
    await check_ready_with_real_servers(create_app(settings))


async def test_not_ready_when_the_database_is_unreachable(kafka_bootstrap_servers):
    url = "postgresql+asyncpg://notify_svc:x@127.0.0.1:1/clinic"
    settings = Settings(database_url=url, kafka_bootstrap_servers=kafka_bootstrap_servers)
    await check_not_ready_without_database(create_app(settings))
