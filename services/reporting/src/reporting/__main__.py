"""Run the reporting service: `python -m reporting` serves the API, `migrate` applies migrations."""

import sys
from pathlib import Path

from servicekit.cli import run_service

from reporting.app import create_app
from reporting.settings import Settings

sys.exit(run_service(Settings, create_app, Path(__file__).parent / "migrations"))  # type: ignore[arg-type]
