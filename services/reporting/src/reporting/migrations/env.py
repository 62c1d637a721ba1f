"""Alembic environment of the reporting service."""

from reporting.models import metadata
from servicekit.migrations import run_env

run_env(metadata)
