"""Every metric a dashboard or an alert rule queries is one the services actually export."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .promql_names import (
    DASHBOARDS,
    metric_names,
    queried_metric_names,
    variable_query_names,
)

# Built in a fresh interpreter so that nothing another test registered can stand in for a
# service's metric. The HTTP metrics are registered when an app's middleware is built;
# reporting.metrics holds the business metrics (imported by name, whatever its app wires).
EXPORTED_NAMES_SCRIPT = """
import importlib, json
from prometheus_client import REGISTRY
import reporting.metrics
for service in ("gateway", "identity", "booking", "shifts", "notify", "reporting"):
    importlib.import_module(f"{service}.app").create_app().build_middleware_stack()
print(json.dumps([[family.name, family.type] for family in REGISTRY.collect()]))
"""
# Series Prometheus itself adds to every scrape.
SCRAPE_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}

SAMPLE_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("", "_sum", "_count", "_created"),
    "info": ("_info",),
}


def sample_names(family: str, kind: str) -> set[str]:
    """The series names a metric family is scraped as (a counter x is x_total, ...)."""
    return {family + suffix for suffix in SAMPLE_SUFFIXES.get(kind, ("",))}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    # A temporary working folder: identity writes its development signing key there.
    result = subprocess.run(
        [sys.executable, "-c", EXPORTED_NAMES_SCRIPT],
        cwd=tmp_path_factory.mktemp("apps"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    families = json.loads(result.stdout.strip().splitlines()[-1])
    names = set(SCRAPE_SERIES)
    for family, kind in families:
        names |= sample_names(family, kind)
    return names


def test_every_queried_metric_is_exported(exported: set[str]) -> None:
    queried = queried_metric_names()
    unknown = {name: sorted(where) for name, where in queried.items() if name not in exported}
    assert not unknown, f"queried but exported by no service: {unknown}"
    # The check reads the files it should: the ops and business metrics are among them.
    assert {"consumer_lag_messages", "http_requests_total", "clinic_utilisation_ratio"} <= set(
        queried
    )


def test_the_services_export_the_machinery_and_business_metrics(exported: set[str]) -> None:
    assert {
        "clinic_appointments_booked_total",
        "clinic_appointments_cancelled_total",
        "clinic_appointments_no_show_total",
        "clinic_appointments_completed_total",
        "clinic_notifications_total",
        "clinic_utilisation_ratio",
        "consumer_lag_messages",
        "consumer_dead_letters_total",
        "outbox_oldest_pending_age_seconds",
        "http_requests_total",
        "http_request_duration_highr_seconds_bucket",
        "gateway_upstream_response_seconds_bucket",
    } <= exported


def test_a_dashboard_querying_an_unknown_metric_is_caught(exported: set[str]) -> None:
    names = metric_names('sum(rate(http_requestz_total{service=~"$service"}[5m]))')
    assert names == {"http_requestz_total"}
    assert not names <= exported


@pytest.mark.parametrize(
    ("expression", "names"),
    [
        (
            'histogram_quantile(0.95, sum by (service, le) (rate(x_seconds_bucket{a="b"}[5m])))',
            {"x_seconds_bucket"},
        ),
        (
            "sum(rate(a_total[$__rate_interval])) / sum(rate(b_total[$__range]))",
            {"a_total", "b_total"},
        ),
        ('up{job="clinic", service=~"$service"} == 0', {"up"}),
        ("max by (g) (lag) > 1e3 and on (g) other offset 5m", {"lag", "other"}),
        ('a_total{le="0.5", name="rate(sum)"} unless ignoring (x) b', {"a_total", "b"}),
        ('label_replace(m, "dst", "$1", "src", "(.*)")', {"m"}),
        ("60 * sum without (instance) (rate(n:recorded:rate5m[1m]))", {"n:recorded:rate5m"}),
    ],
)
def test_metric_names_skip_functions_labels_and_variables(expression: str, names: set[str]) -> None:
    assert metric_names(expression) == names


def test_an_unknown_function_is_an_error() -> None:
    with pytest.raises(ValueError, match="rat"):
        metric_names("sum(rat(a_total[5m]))")


def test_variable_queries_read_the_metric_of_label_values() -> None:
    assert variable_query_names('label_values(up{job="clinic"}, service)') == {"up"}
    assert variable_query_names("label_values(clinic_id)") == set()


def test_every_panel_reads_the_provisioned_prometheus() -> None:
    assert {path.name for path in DASHBOARDS} == {
        "operations.json",
        "clinic-activity.json",
        "messaging.json",
    }
    for path in DASHBOARDS:
        board = json.loads(Path(path).read_text())
        panels = [p for p in board["panels"] if p["type"] != "row"]
        assert panels, path.name
        for panel in panels:
            assert panel["datasource"] == {"type": "prometheus", "uid": "prometheus"}, panel
            assert panel["targets"], panel["title"]
