"""Run the booking service: `python -m booking` serves the API, `migrate` applies migrations."""

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from servicekit.cli import run_service

from booking.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI


def _served_app(settings: Settings) -> "FastAPI":
    from booking.app import create_app

    app = create_app(settings)
    # What start-up built (modules, routes, models) lives as long as the process. Frozen, it is
    # left out of garbage collection, whose full rounds then walk only what requests allocate:
    # over the whole heap one takes tens of milliseconds, the worst of a search's or booking's
    # latency.
    gc.collect()
    gc.freeze()
    return app


sys.exit(run_service(Settings, _served_app, Path(__file__).parent / "migrations"))  # type: ignore[arg-type]
