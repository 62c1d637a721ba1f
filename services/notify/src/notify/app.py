"""The notify service: confirmations, notices and reminders by SMS and WhatsApp."""

from fastapi import FastAPI
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from notify.clinics import router as clinics
from notify.db import outbox
from notify.messages.dispatch import dispatch_forever
from notify.notifications import router as notifications
from notify.preferences import router as preferences
from notify.projection.handlers import subscribe
from notify.settings import Settings
from notify.templates import router as templates
from notify.webhooks import router as webhooks


def create_app(
    settings: Settings | None = None, *, consume: bool = True, dispatch: bool = True
) -> FastAPI:
    """Build the notify app, its consumers and its dispatcher.

    consume=False leaves out the Kafka consumer and dispatch=False the sending loop (tests
    that apply events and run dispatch rounds themselves).
    """
    runtime = ServiceRuntime(settings or Settings(), outbox)
    if dispatch:
        runtime.in_background(dispatch_forever)
    return create_service_app(
        runtime,
        routers=[
            notifications.router,
            templates.router,
            clinics.router,
            preferences.router,
            webhooks.router,
        ],
        consumers=subscribe if consume else None,
        description=__doc__ or "",
    )
