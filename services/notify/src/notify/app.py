"""The notify service app."""

from fastapi import FastAPI
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from notify.db import outbox
from notify.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the notify app; its business endpoints arrive with the notify issue."""
    runtime = ServiceRuntime(settings or Settings(), outbox)
    return create_service_app(runtime, description=__doc__ or "")
