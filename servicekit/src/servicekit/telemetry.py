"""OpenTelemetry tracing; W3C trace context travels in HTTP headers and Kafka headers."""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_provider: TracerProvider | None = None


def configure_tracing(service: str, otlp_endpoint: str | None) -> TracerProvider:
    """One tracer provider per process; spans are exported only when an endpoint is set."""
    global _provider
    if _provider is None:
        _provider = TracerProvider(resource=Resource.create({"service.name": service}))
        if otlp_endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
            _provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(_provider)
    return _provider


def current_trace_headers() -> dict[str, str]:
    """The current trace context as headers (traceparent, tracestate), to store with an event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_headers(headers: Mapping[str, str]) -> Context:
    """The trace context that stored headers carry."""
    return propagate.extract(dict(headers))
