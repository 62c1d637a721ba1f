"""Alembic environment of the booking service."""

from booking.models import metadata
from servicekit.migrations import run_env

run_env(metadata)
