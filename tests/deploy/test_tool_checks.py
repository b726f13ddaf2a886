"""Static checks by the tools: checkov on the rendered manifests and the Dockerfile (offline),
yamllint on deploy/, `docker compose config` on the Compose file, and the generated
topic script run against a stand-in for kafka-topics.sh."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.support import ROOT, Tree, checkov_cmd, compose_cmd, run

DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
COMPOSE = ROOT / "deploy" / "compose" / "compose.yaml"
APPS = ("intake", "casework", "billing", "reporting")
SERVICES_IN_COMPOSE = {"kafka", "kafka-topics", "mongodb", "intake-keys", "auth-keys",
                       "scheduler", *APPS}  # fmt: skip


@pytest.fixture(scope="session")
def checkov_reports(repo: Tree, with_new_provider: Tree) -> list[dict[str, Any]]:
    """One checkov run (it takes ~15 s) over both trees' overlays and the Dockerfile."""
    files = [str(t.rendered_file(o)) for t in (repo, with_new_provider) for o in ("dev", "prod")]
    args = [arg for f in [*files, str(DOCKERFILE)] for arg in ("-f", f)]
    done = run([*checkov_cmd(), "--config-file", str(ROOT / ".checkov.yaml"), "-o", "json", *args])
    try:
        reports = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"checkov gave no report (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return reports if isinstance(reports, list) else [reports]


def _failures(reports: list[dict[str, Any]], check_type: str) -> list[str]:
    (report,) = [r for r in reports if r["check_type"] == check_type]
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 0
    return [
        f"{c['check_id']} {c['check_name']}: {c['resource']} ({c['file_path']})"
        for c in report["results"]["failed_checks"]
    ]


def test_checkov_passes_on_the_rendered_manifests(checkov_reports: list[dict[str, Any]]) -> None:
    failures = _failures(checkov_reports, "kubernetes")
    assert not failures, "\n".join(failures)


def test_checkov_passes_on_the_dockerfile(checkov_reports: list[dict[str, Any]]) -> None:
    failures = _failures(checkov_reports, "dockerfile")
    assert not failures, "\n".join(failures)


def test_every_skipped_checkov_check_is_justified_in_a_comment() -> None:
    lines = (ROOT / ".checkov.yaml").read_text(encoding="utf-8").splitlines()
    config = yaml.safe_load("\n".join(lines))
    assert config["skip-download"] is True
    for check in config.get("skip-check", []):
        index = next(i for i, line in enumerate(lines) if line.strip() == f"- {check}")
        assert lines[index - 1].strip().startswith("#"), f"{check} has no justification"


def test_yamllint_is_clean_on_deploy() -> None:
    cmd = [sys.executable, "-m", "yamllint", "-c", str(ROOT / ".yamllint"), "-f", "parsable"]
    done = run([*cmd, "deploy", ".yamllint", ".checkov.yaml"])
    assert done.returncode == 0, done.stdout + done.stderr


def test_compose_config_parses_and_names_every_service() -> None:
    done = run([*compose_cmd(), "-f", str(COMPOSE), "config", "--format", "json"])
    assert done.returncode == 0, done.stderr
    services = json.loads(done.stdout)["services"]
    assert set(services) == SERVICES_IN_COMPOSE
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    assert re.fullmatch(r"mongo:8\.\d+\.\d+", services["mongodb"]["image"])
    for name in APPS:
        svc = services[name]
        assert svc["build"]["args"]["SERVICE"] == name
        assert svc["build"]["dockerfile"] == "deploy/docker/Dockerfile"
        assert svc["environment"]["SERVICE_NAME"] == name
        assert "healthcheck" in svc and svc["read_only"] is True
        conditions = {dep: d["condition"] for dep, d in svc["depends_on"].items()}
        assert conditions.pop("intake-keys", None) == (
            "service_completed_successfully" if name == "intake" else None
        )
        assert conditions == {
            "kafka": "service_healthy",
            "mongodb": "service_healthy",
            "kafka-topics": "service_completed_successfully",
            "auth-keys": "service_completed_successfully",
        }
        assert svc["environment"]["AUTH_PUBLIC_KEY_FILES"] == "/auth/issuer.pem"
        assert {(v["source"], v["target"], v["read_only"]) for v in svc["volumes"]} >= {
            ("auth-keys", "/auth", True)
        }
    assert services["intake"]["environment"]["INTAKE_PRIVATE_KEY_FILE"].startswith("/keys/")
    clock = services["scheduler"]
    assert clock["build"]["args"]["SERVICE"] == "scheduler" and clock["read_only"] is True
    assert set(clock["depends_on"]) == {"kafka", "kafka-topics"}, "the clock needs no database"


def test_compose_makes_the_token_issuers_keys_once_and_signs_tokens_on_request() -> None:
    done = run([*compose_cmd(), "-f", str(COMPOSE), "--profile", "tools", "config", "--format",
                "json"])  # fmt: skip
    assert done.returncode == 0, done.stderr
    services = json.loads(done.stdout)["services"]
    keys = services["auth-keys"]
    assert "ensure_issuer_keys" in " ".join(keys["entrypoint"]) and keys["restart"] == "no"
    token = services["token"]
    assert token["entrypoint"][:3] == ["python", "-m", "msa_kit.local_issuer"]
    assert token["environment"]["AUTH_ISSUER"] == services["intake"]["environment"]["AUTH_ISSUER"]


def test_compose_topic_script_creates_every_catalogue_topic(tree: Tree, tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    stub = tmp_path / "kafka-topics.sh"
    stub.write_text(f'#!/usr/bin/env bash\necho "$*" >> {log}\n', encoding="utf-8")
    stub.chmod(0o755)
    env = {**os.environ, "KAFKA_TOPICS_SH": str(stub), "REPLICATION_FACTOR": "1"}
    script = tree.root / "deploy" / "compose" / "create-topics.sh"
    done = subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    created: dict[str, tuple[int, dict[str, str]]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        args = line.split()
        assert "--create" in args and "--if-not-exists" in args
        assert args[args.index("--bootstrap-server") + 1] == "kafka:9092"
        configs = dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a == "--config")
        created[args[args.index("--topic") + 1]] = (
            int(args[args.index("--partitions") + 1]),
            configs,
        )
    expected = {t.name: (t.partitions, t.config) for t in tree.catalogue.all_topics()}
    assert created == expected


def test_compose_topic_script_fails_when_a_topic_cannot_be_created(tmp_path: Path) -> None:
    stub = tmp_path / "kafka-topics.sh"
    stub.write_text('#!/usr/bin/env bash\n[[ "$*" != *msa.clock* ]]\n', encoding="utf-8")
    stub.chmod(0o755)
    env = {**os.environ, "KAFKA_TOPICS_SH": str(stub)}
    script = ROOT / "deploy" / "compose" / "create-topics.sh"
    done = subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
