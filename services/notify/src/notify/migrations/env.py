"""Alembic environment of the notify service."""

from notify.models import metadata
from servicekit.migrations import run_env

run_env(metadata)
