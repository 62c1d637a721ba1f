"""Run the shifts service: `python -m shifts` serves the API, `migrate` applies migrations."""

import sys
from pathlib import Path

from servicekit.cli import run_service

from shifts.app import create_app
from shifts.settings import Settings

sys.exit(run_service(Settings, create_app, Path(__file__).parent / "migrations"))  # type: ignore[arg-type]
