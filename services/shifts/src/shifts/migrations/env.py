"""Alembic environment of the shifts service."""

from servicekit.migrations import run_env
from shifts.models import metadata

run_env(metadata)
