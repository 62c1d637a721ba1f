"""Structured JSON logs carrying the service, the request id and the trace id."""

from __future__ import annotations

import logging
import sys

from asgi_correlation_id import CorrelationIdFilter
from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter


class _TraceFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        span = trace.get_current_span().get_span_context()
        record.trace_id = format(span.trace_id, "032x") if span.is_valid else None
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every logger, uvicorn's included, as JSON lines to stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(CorrelationIdFilter(name="request_id"))
    handler.addFilter(_TraceFilter(service))
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}{service}{correlation_id}{trace_id}",
            style="{",
            rename_fields={
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "faststream", "aiokafka"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # aiokafka logs every reconnect attempt at ERROR while a broker is down; the
    # readiness probe and the relay already report that state.
    logging.getLogger("aiokafka").setLevel(max(root.level, logging.WARNING))
    # One line per outgoing request (JWKS, gateway upstreams) drowns the useful ones.
    logging.getLogger("httpx").setLevel(max(root.level, logging.WARNING))
