"""The reporting service: every event into an analytics store; summaries, CSV and metrics."""

from fastapi import FastAPI
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from reporting.db import outbox
from reporting.facts.handlers import subscribe_all
from reporting.metrics import refresh_utilisation
from reporting.settings import Settings
from reporting.summary import router as summary


def create_app(
    settings: Settings | None = None, *, consume: bool = True, gauges: bool = True
) -> FastAPI:
    """Build the reporting app.

    consume=False leaves out the Kafka consumer (tests that apply events themselves) and
    gauges=False the job that refreshes the utilisation gauge.
    """
    runtime = ServiceRuntime(settings or Settings(), outbox)
    if gauges:
        runtime.in_background(refresh_utilisation)
    return create_service_app(
        runtime,
        routers=[summary.router],
        consumers=subscribe_all if consume else None,
        description=__doc__ or "",
    )
