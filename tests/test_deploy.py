"""Deployment files: compose, Prometheus, Grafana, Dockerfiles, systemd unit agree with each other and the code."""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.metrics import Metrics

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
METRIC = re.compile(r"\bparley_[a-z0-9_]+\b")


def load_yaml(name: str) -> Any:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml("compose.yaml")


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    return json.loads((DEPLOY / "grafana" / "dashboards" / "parley.json").read_text(encoding="utf-8"))


def exprs(dashboard: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_compose_services_and_wiring(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"bot", "vllm", "prometheus", "grafana"} <= set(services)
    bot = services["bot"]
    env = bot["environment"]
    assert env["PARLEY_GENERATION__BACKEND"] == "openai"
    assert env["PARLEY_GENERATION__OPENAI_BASE_URL"] == "http://vllm:8000/v1"
    assert env["PARLEY_METRICS__ENABLED"] == "true" and env["PARLEY_METRICS__PORT"] == "9108"
    assert "ports" not in bot, "the metrics port must stay on the compose network"
    assert (DEPLOY / bot["build"]["context"] / bot["build"]["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
    assert bot["depends_on"]["vllm"]["condition"] == "service_healthy"
    assert "Qwen/Qwen2.5-0.5B-Instruct" in " ".join(services["vllm"]["command"])
    devices = services["vllm"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    for name, service in services.items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond localhost"
    assert "GRAFANA_ADMIN_PASSWORD:?" in services["grafana"]["environment"]["GF_SECURITY_ADMIN_PASSWORD"]


def test_compose_bind_mounts_exist(compose: dict[str, Any]) -> None:
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), source


def test_prometheus_scrapes_the_bot_metrics_port(compose: dict[str, Any]) -> None:
    config = load_yaml("prometheus.yml")
    targets = [t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]]
    port = compose["services"]["bot"]["environment"]["PARLEY_METRICS__PORT"]
    assert f"bot:{port}" in targets


def test_grafana_provisioning_matches_dashboard(compose: dict[str, Any], dashboard: dict[str, Any]) -> None:
    datasources = load_yaml("grafana/provisioning/datasources/prometheus.yaml")["datasources"]
    uid = datasources[0]["uid"]
    assert datasources[0]["url"] == "http://prometheus:9090"
    provider = load_yaml("grafana/provisioning/dashboards/parley.yaml")["providers"][0]
    mounts = compose["services"]["grafana"]["volumes"]
    assert any(str(m).endswith(":" + provider["options"]["path"] + ":ro") for m in mounts)
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == uid
        assert panel["targets"], panel["title"]
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))


def test_dashboard_queries_name_exported_metrics(dashboard: dict[str, Any]) -> None:
    exported = Metrics().metric_names()
    used = {name for expr in exprs(dashboard) for name in METRIC.findall(expr)}
    assert used, "no parley_ metric in the dashboard"
    unknown = sorted(used - exported)
    assert not unknown, f"dashboard queries metrics the bot does not export: {unknown}"
    for needed in ("parley_messages_received_total", "parley_reply_latency_seconds_bucket",
                   "parley_generated_tokens_total", "parley_generation_batch_size_bucket", "parley_verdicts_total",
                   "parley_verdict_categories_total", "parley_held_replies", "parley_telegram_errors_total"):
        assert needed in used, needed
    assert any('kind="rate_limited"' in e for e in exprs(dashboard))


def test_metric_names_know_suffixes() -> None:
    names = Metrics().metric_names()
    assert {"parley_replies_total", "parley_reply_latency_seconds_bucket", "parley_build_info",
            "parley_held_replies"} <= names
    assert "parley_replies" not in names and "parley_build" not in names


@pytest.mark.parametrize("name", ["Dockerfile", "Dockerfile.cpu"])
def test_dockerfiles(name: str) -> None:
    text = (DEPLOY / name).read_text(encoding="utf-8")
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\w+)", text, re.M)
    assert stages == ["builder", "runtime"]
    runtime = text.split("AS runtime", 1)[1]
    user = re.findall(r"^USER\s+(\S+)", runtime, re.M)
    assert user and not user[-1].startswith(("root", "0:", "0")), "runtime must not run as root"
    assert "HEALTHCHECK" in runtime and "/healthz" in runtime
    assert "HF_HOME=/data/hf" in runtime and 'VOLUME ["/data"]' in runtime
    for line in text.splitlines():
        if line.lstrip().startswith(("ENV", "ARG")) or re.match(r"\s+[A-Z_]+=", line):
            assert not re.search(r"(TOKEN|API_KEY|SECRET|PASSWORD)\w*=", line), f"secret in image: {line}"
    assert (DEPLOY / f"{name}.dockerignore").is_file()


def test_systemd_unit() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "parley.service", encoding="utf-8")
    service = unit["Service"]
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"].startswith("/etc/parley/")
    assert service["User"] not in ("", "root")
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert service["ExecStart"].split()[-1] == "run"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
