"""Metric names that the dashboards and alert rules under deploy/ query."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
ALERT_RULES = DEPLOY / "prometheus" / "alerts.yml"

# PromQL's functions and aggregation operators (Prometheus 2.x and 3.x); a word list reads
# better than ninety quoted lines.
FUNCTIONS = frozenset(
    """abs absent absent_over_time acos acosh asin asinh atan atanh avg avg_over_time bottomk
    ceil changes clamp clamp_max clamp_min cos cosh count count_over_time count_values
    day_of_month day_of_week day_of_year days_in_month deg delta deriv
    double_exponential_smoothing exp floor group histogram_avg histogram_count
    histogram_fraction histogram_quantile histogram_stddev histogram_stdvar histogram_sum
    holt_winters hour idelta increase info irate label_join label_replace last_over_time
    limit_ratio limitk ln log10 log2 mad_over_time max max_over_time min min_over_time minute
    month pi predict_linear present_over_time quantile quantile_over_time rad rate resets round
    scalar sgn sin sinh sort sort_by_label sort_by_label_desc sort_desc sqrt stddev
    stddev_over_time stdvar stdvar_over_time sum sum_over_time tan tanh time timestamp topk
    vector year""".split()  # noqa: SIM905
)
KEYWORDS = frozenset(
    "and or unless atan2 bool by without on ignoring group_left group_right offset inf nan".split()  # noqa: SIM905
)

_STRINGS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_GRAFANA_VARIABLES = re.compile(r"\$\{[^}]*\}|\$\w+")
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGES = re.compile(r"\[[^\]]*\]")
_LABEL_LISTS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_OFFSETS = re.compile(r"\b(?:offset\s+-?\w+|@\s*[\w.]+(?:\(\))?)")
# An identifier not glued to a number (1e3, 0x1f) or a longer name; "(" marks a call.
_IDENTIFIERS = re.compile(r"(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?")
_LABEL_VALUES = re.compile(r"^\s*label_values\((?P<query>.*),\s*\w+\s*\)\s*$", re.DOTALL)


def metric_names(expression: str) -> set[str]:
    """Metric names an expression reads; raises ValueError on an unknown function."""
    text = _STRINGS.sub(" ", expression)
    text = _GRAFANA_VARIABLES.sub(" ", text)
    text = _MATCHERS.sub(" ", text)
    text = _RANGES.sub(" ", text)
    text = _LABEL_LISTS.sub(" ", text)
    text = _OFFSETS.sub(" ", text)
    names: set[str] = set()
    for match in _IDENTIFIERS.finditer(text):
        word, call = match.group(1), match.group(2)
        if call:
            if word not in FUNCTIONS:
                raise ValueError(f"unknown PromQL function {word!r} in {expression!r}")
        elif word.lower() not in KEYWORDS:
            names.add(word)
    return names


def variable_query_names(query: str) -> set[str]:
    """Metric names a Grafana template variable's query reads (label_values(query, label))."""
    label_values = _LABEL_VALUES.match(query)
    if label_values:
        return metric_names(label_values.group("query"))
    if query.strip().startswith("label_values("):
        return set()  # label_values(label): no metric
    return metric_names(query)


def panel_queries(board: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(panel title, expression) of every panel target of a dashboard."""
    for panel in _panels(board.get("panels", [])):
        for target in panel.get("targets", []):
            yield str(panel.get("title")), target["expr"]


def variable_queries(board: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(variable name, query) of every query variable of a dashboard."""
    for variable in board.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            query = variable.get("query")
            text = query.get("query", "") if isinstance(query, dict) else str(query)
            yield f"${variable['name']}", text


def _panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []))  # collapsed rows hold their panels


def rule_expressions(path: Path = ALERT_RULES) -> Iterator[tuple[str, str]]:
    """(where, expression) of every alerting and recording rule."""
    for group in yaml.safe_load(path.read_text())["groups"]:
        for rule in group["rules"]:
            yield f"{path.name}: {rule.get('alert') or rule.get('record')}", rule["expr"]


def queried_metric_names() -> dict[str, set[str]]:
    """Every metric name the dashboards and rules query, with where each is queried."""
    found: dict[str, set[str]] = {}

    def note(names: set[str], where: str) -> None:
        for name in names:
            found.setdefault(name, set()).add(where)

    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        for title, expression in panel_queries(board):
            note(metric_names(expression), f"{path.name}: {title}")
        for variable, query in variable_queries(board):
            note(variable_query_names(query), f"{path.name}: {variable}")
    for rule, expression in rule_expressions():
        note(metric_names(expression), f"{ALERT_RULES.name}: {rule}")
    return found
