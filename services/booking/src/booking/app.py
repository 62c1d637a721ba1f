"""The booking service: open slots and the appointment lifecycle, from its own projection."""

from fastapi import FastAPI
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from booking.allotments.router import router as allotments_router
from booking.appointments.router import holds as holds_router
from booking.appointments.router import router as appointments_router
from booking.db import outbox
from booking.projection.handlers import subscribe
from booking.rooms.router import router as rooms_router
from booking.settings import Settings
from booking.slots.router import router as slots_router
from booking.sync.prune import prune_changes
from booking.sync.router import router as sync_router
from booking.types.router import router as types_router
from booking.waitlist.router import router as waitlist_router
from booking.waitlist.sweep import sweep_holds


def create_app(settings: Settings | None = None, *, consume: bool = True) -> FastAPI:
    """Build the booking app and its consumers of identity's and shifts' events.

    consume=False leaves out the Kafka consumer (tests that apply events directly).
    """
    runtime = ServiceRuntime(settings or Settings(), outbox)
    runtime.in_background(sweep_holds)
    runtime.in_background(prune_changes)
    return create_service_app(
        runtime,
        routers=[
            types_router,
            slots_router,
            rooms_router,
            holds_router,
            appointments_router,
            waitlist_router,
            sync_router,
            allotments_router,
        ],
        consumers=subscribe if consume else None,
        description=__doc__ or "",
    )
