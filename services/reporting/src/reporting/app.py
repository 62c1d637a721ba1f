"""The reporting service app: consumes every topic into the analytics store."""

from fastapi import FastAPI
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from reporting.db import outbox
from reporting.facts.handlers import subscribe_all
from reporting.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the reporting app; summaries and exports arrive with the reporting issue."""
    runtime = ServiceRuntime(settings or Settings(), outbox)
    return create_service_app(runtime, consumers=subscribe_all, description=__doc__ or "")
