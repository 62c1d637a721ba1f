"""The booking service: open slots and the appointment lifecycle, from its own projection."""

from fastapi import FastAPI
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from booking.db import outbox
from booking.projection.handlers import subscribe
from booking.settings import Settings
from booking.slots.router import router as slots_router
from booking.types.router import router as types_router


def create_app(settings: Settings | None = None, *, consume: bool = True) -> FastAPI:
    """Build the booking app and its consumers of identity's and shifts' events.

    consume=False leaves out the Kafka consumer (tests that apply events directly).
    """
    runtime = ServiceRuntime(settings or Settings(), outbox)
    return create_service_app(
        runtime,
        routers=[types_router, slots_router],
        consumers=subscribe if consume else None,
        description=__doc__ or "",
    )
