"""Run the notify service: `python -m notify` serves the API, `migrate` applies migrations."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from servicekit.cli import run_service

from notify.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(settings: Settings) -> "FastAPI":
    from notify.app import create_app

    return create_app(settings)


sys.exit(run_service(Settings, create_app, Path(__file__).parent / "migrations"))  # type: ignore[arg-type]
