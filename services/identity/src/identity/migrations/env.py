"""Alembic environment of the identity service."""

from identity.models import metadata
from servicekit.migrations import run_env

run_env(metadata)
