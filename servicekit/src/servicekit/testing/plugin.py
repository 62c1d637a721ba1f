"""Pytest plugin: real PostgreSQL and Kafka-protocol broker for any test."""
