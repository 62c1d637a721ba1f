"""The shifts service: templates, shifts, leave, closures and coverage; who works when."""

from fastapi import FastAPI
from servicekit.app import create_service_app
from servicekit.runtime import ServiceRuntime

from shifts.closures.router import router as closures_router
from shifts.coverage.router import router as coverage_router
from shifts.db import outbox
from shifts.leave.router import router as leave_router
from shifts.projection.handlers import subscribe
from shifts.roster.router import router as shifts_router
from shifts.settings import Settings
from shifts.templates.horizon import keep_horizon
from shifts.templates.router import router as templates_router


def create_app(settings: Settings | None = None, *, consume: bool = True) -> FastAPI:
    """Build the shifts app: its routes, the identity projection and the rolling horizon.

    consume=False leaves out the Kafka consumer (tests that apply identity events directly).
    """
    runtime = ServiceRuntime(settings or Settings(), outbox)
    runtime.in_background(keep_horizon)
    return create_service_app(
        runtime,
        routers=[templates_router, shifts_router, leave_router, closures_router, coverage_router],
        consumers=subscribe if consume else None,
        description=__doc__ or "",
    )
