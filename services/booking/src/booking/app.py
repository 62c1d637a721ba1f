"""The booking service app."""

from fastapi import FastAPI
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from booking.db import outbox
from booking.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the booking app; its business endpoints arrive with the booking issue."""
    runtime = ServiceRuntime(settings or Settings(), outbox)
    return create_service_app(runtime, description=__doc__ or "")
