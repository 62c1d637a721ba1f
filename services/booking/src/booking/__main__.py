"""Run the booking service: `python -m booking` serves the API, `migrate` applies migrations."""

import sys
from pathlib import Path

from servicekit.cli import run_service

from booking.app import create_app
from booking.settings import Settings

sys.exit(run_service(Settings, create_app, Path(__file__).parent / "migrations"))  # type: ignore[arg-type]
