"""docker-compose.yml: valid Compose, and every process gets exactly the settings it reads.

No Docker engine runs here, so `docker compose config` cannot check the file; instead it is
validated against the Compose Specification JSON Schema vendored beside this file (see
README.md here for its provenance), and cross-checked with the Settings classes (catalog.py),
.env.example, deploy/prometheus and deploy/grafana.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from .catalog import JOBS, PROCESSES, SERVICES, required_of, settings_class, settings_of

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
SCHEMA = Path(__file__).with_name("compose-spec.json")
VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")
PORTS = {"gateway": 8000, "identity": 8001, "booking": 8002, "shifts": 8003}
PORTS |= {"notify": 8004, "reporting": 8005}


def load_compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return document


def process_of(service: dict[str, Any]) -> str | None:
    """Which process or job of the image a compose service runs (its command's first word)."""
    command = service.get("command")
    if isinstance(command, str):
        command = command.split()
    if command and command[0] in (*PROCESSES, *JOBS):
        return str(command[0])
    return None


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): str(value) for key, value in env.items()}


def setting_problems(document: dict[str, Any]) -> list[str]:
    """Unknown variables set on a process, and required ones missing, for every app service."""
    problems = []
    for name, service in document["services"].items():
        process = process_of(service)
        if process is None:
            continue
        env = set(environment(service))
        for unknown in sorted(env - settings_of(process)):
            problems.append(f"{name}: {unknown} is not read by {process}")
        for missing in sorted(required_of(process) - env):
            problems.append(f"{name}: {missing} is required by {process} but not set")
    return problems


def app_services(document: dict[str, Any]) -> dict[str, str]:
    """{compose service: process} for the services and the gateway (not the jobs)."""
    return {
        name: process
        for name, service in document["services"].items()
        if (process := process_of(service)) in PROCESSES
    }


def test_compose_file_validates_against_the_compose_specification() -> None:
    schema = json.loads(SCHEMA.read_text())
    # The schema says draft 2019-09 (with a $schema URL jsonschema does not know by that spelling).
    jsonschema.Draft201909Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft201909Validator(schema).iter_errors(load_compose()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_schema_check_rejects_an_invalid_file() -> None:
    schema = json.loads(SCHEMA.read_text())
    broken = load_compose()
    broken["services"]["booking"]["restart_policy"] = "always"  # not a service key
    broken["services"]["gateway"]["depends_on"]["identity"]["condition"] = "service_ready"
    validator = jsonschema.Draft201909Validator(schema)
    assert len(list(validator.iter_errors(broken))) >= 2


def test_every_process_of_the_image_runs_once() -> None:
    document = load_compose()
    runs = [process_of(service) for service in document["services"].values()]
    assert sorted(p for p in runs if p) == sorted((*PROCESSES, *JOBS))


def test_each_process_gets_only_settings_it_reads_and_all_it_needs() -> None:
    assert setting_problems(load_compose()) == []


@pytest.mark.parametrize(
    ("service", "variable", "expected"),
    [
        ("booking", "BOOKING_HOLD_MINUTE", "BOOKING_HOLD_MINUTE is not read by booking"),
        ("booking", "SHIFTS_HORIZON_WEEKS", "SHIFTS_HORIZON_WEEKS is not read by booking"),
        ("gateway", "GATEWAY_DATABASE_URL", "GATEWAY_DATABASE_URL is not read by gateway"),
        ("identity", "KAFKA_BOOTSTRAP_SERVER", "KAFKA_BOOTSTRAP_SERVER is not read by identity"),
    ],
)
def test_an_unknown_setting_is_caught(service: str, variable: str, expected: str) -> None:
    mutated = copy.deepcopy(load_compose())
    mutated["services"][service]["environment"][variable] = "1"
    assert f"{service}: {expected}" in setting_problems(mutated)


@pytest.mark.parametrize(
    ("service", "variable"),
    [
        ("notify", "NOTIFY_DATABASE_URL"),
        ("gateway", "GATEWAY_BOOKING_URL"),
        ("identity", "IDENTITY_KEYS_DIR"),
        ("reporting", "REPORTING_HOST"),
        ("migrate", "SHIFTS_DATABASE_URL"),
        ("provision", "DATABASE_URL"),
    ],
)
def test_a_missing_required_setting_is_caught(service: str, variable: str) -> None:
    mutated = copy.deepcopy(load_compose())
    del mutated["services"][service]["environment"][variable]
    assert any(variable in problem for problem in setting_problems(mutated))


def test_production_with_idempotent_producers_and_cross_container_addresses() -> None:
    document = load_compose()
    for name, process in app_services(document).items():
        env = environment(document["services"][name])
        assert env["ENVIRONMENT"] == "production", name
        assert env["KAFKA_ENABLE_IDEMPOTENCE"] == "true", name
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092", name
        assert env["JWKS_URL"] == "http://identity:8001/.well-known/jwks.json", name
        prefix = process.upper()
        assert env[f"{prefix}_HOST"] == "0.0.0.0", name
        assert env[f"{prefix}_PORT"] == str(PORTS[process]), name
    gateway = environment(document["services"]["gateway"])
    for service in SERVICES:
        assert gateway[f"GATEWAY_{service.upper()}_URL"] == f"http://{service}:{PORTS[service]}"


def test_each_database_url_logs_in_as_the_services_own_role() -> None:
    document = load_compose()
    for name, service in document["services"].items():
        for key, value in environment(service).items():
            match = re.fullmatch(r"([A-Z]+)_DATABASE_URL", key)
            if match:
                svc = match.group(1).lower()
                assert value.startswith(f"postgresql+asyncpg://{svc}_svc:${{"), (name, key)
                assert value.endswith("@postgres:5432/clinic"), (name, key)


def test_secrets_come_from_the_env_file_and_must_be_set() -> None:
    """Secrets come from .env; those a service cannot do without must be set (`:?`), the
    optional ones (provider credentials, None by default) may be left empty (`:-`)."""
    document = load_compose()
    secret_settings, optional = set(), set()
    for process in PROCESSES:
        cls = settings_class(process)
        for field, info in cls.model_fields.items():
            if "SecretStr" in str(info.annotation):
                name = f"{cls.model_config.get('env_prefix', '')}{field}".upper()
                secret_settings.add(name)
                if info.get_default() is None:
                    optional.add(name)
    for name, service in document["services"].items():
        for key, value in environment(service).items():
            if key in secret_settings or key.endswith("PASSWORD"):
                references = VARIABLE.findall(value)
                assert references, f"{name}: {key} is written in the compose file"
                allowed = {":?", ":-"} if key in optional else {":?"}
                assert all(op in allowed for _, op, default in references), f"{name}: {key}"
                assert all(not default or op == ":?" for _, op, default in references), key


def test_every_compose_variable_is_documented_in_env_example() -> None:
    used = {match[0] for match in VARIABLE.findall(COMPOSE.read_text())}
    documented = {
        line.split("=", 1)[0]
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert used - documented == set(), "used in docker-compose.yml, missing from .env.example"
    assert documented - used == set(), "in .env.example, never used by docker-compose.yml"


def test_env_example_holds_no_secret_values() -> None:
    text = COMPOSE.read_text()
    required = {m[0] for m in VARIABLE.findall(text) if m[1] == ":?"}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            if key in required:
                assert value == "", f".env.example gives {key} a value"


def test_healthchecks_probe_readyz_and_startup_waits_for_them() -> None:
    document = load_compose()
    services = document["services"]
    for name, process in app_services(document).items():
        test = services[name]["healthcheck"]["test"]
        assert f"http://127.0.0.1:{PORTS[process]}/readyz" in test, name
        depends = services[name]["depends_on"]
        if process == "gateway":
            assert {s: depends[s]["condition"] for s in SERVICES} == dict.fromkeys(
                SERVICES, "service_healthy"
            )
        else:
            assert depends["migrate"]["condition"] == "service_completed_successfully", name
            assert depends["postgres"]["condition"] == "service_healthy", name
            assert depends["kafka"]["condition"] == "service_healthy", name
    migrate = services["migrate"]["depends_on"]
    assert migrate["provision"]["condition"] == "service_completed_successfully"
    assert services["provision"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for dependency in ("postgres", "kafka"):
        assert "test" in services[dependency]["healthcheck"], dependency


def test_kafka_is_a_single_kraft_node() -> None:
    kafka = load_compose()["services"]["kafka"]
    env = environment(kafka)
    assert kafka["image"].startswith("apache/kafka:")
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"


def test_identity_keys_and_data_live_on_volumes() -> None:
    document = load_compose()
    services = document["services"]
    keys = environment(services["identity"])["IDENTITY_KEYS_DIR"]
    for name in ("identity", "provision"):
        assert f"identity-keys:{keys}" in services[name]["volumes"], name
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert any(v.startswith("kafka-data:") for v in services["kafka"]["volumes"])
    assert set(document["volumes"]) >= {"postgres-data", "kafka-data", "identity-keys"}


def test_prometheus_scrapes_the_compose_services_and_grafana_is_provisioned() -> None:
    document = load_compose()
    services = document["services"]
    # The gateway's metrics have a port of their own, which is not published on the host.
    metrics_port = int(environment(services["gateway"])["GATEWAY_METRICS_PORT"])
    assert metrics_port != PORTS["gateway"]
    assert not any(str(metrics_port) in str(port) for port in services["gateway"]["ports"])
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    scraped = PORTS | {"gateway": metrics_port}
    assert targets == {f"{process}:{port}" for process, port in scraped.items()}
    assert set(app_services(document)) == set(PORTS)
    assert "./deploy/prometheus:/etc/prometheus:ro" in services["prometheus"]["volumes"]
    grafana = services["grafana"]["volumes"]
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in grafana
    assert "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro" in grafana
