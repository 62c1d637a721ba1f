"""The shifts service app."""

from fastapi import FastAPI
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from shifts.db import outbox
from shifts.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the shifts app; its business endpoints arrive with the shifts issue."""
    runtime = ServiceRuntime(settings or Settings(), outbox)
    return create_service_app(runtime, description=__doc__ or "")
