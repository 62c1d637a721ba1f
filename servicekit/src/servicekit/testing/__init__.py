"""Test support: real PostgreSQL and Kafka-protocol servers for any test (see `plugin`)."""

from servicekit.local.processes import free_port
from servicekit.testing.databases import CleanServiceDatabase, Migrate, ServiceDatabases

__all__ = ["CleanServiceDatabase", "Migrate", "ServiceDatabases", "free_port"]
