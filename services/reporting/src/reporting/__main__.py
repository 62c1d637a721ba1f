"""Run the reporting service: `python -m reporting` serves the API and consumers, `migrate`
applies migrations, `rebuild` recomputes every rollup from the fact table."""

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from servicekit.cli import run_service

from reporting.rebuild_command import rebuild_from_settings
from reporting.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

if sys.argv[1:2] == ["rebuild"]:
    sys.exit(asyncio.run(rebuild_from_settings(Settings())))


def create_app(settings: Settings) -> "FastAPI":
    from reporting.app import create_app

    return create_app(settings)


sys.exit(run_service(Settings, create_app, Path(__file__).parent / "migrations"))  # type: ignore[arg-type]
