"""Render, write and check every generated deployment file."""

from __future__ import annotations

import json
import stat
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]
from msa_contracts.topics import SERVICES, Catalogue

from msa_ops.deploy import layout
from msa_ops.deploy.alerts import prometheus_rule
from msa_ops.deploy.autoscaling import consumers, scaled_object, trigger_authentication
from msa_ops.deploy.compose import create_topics_script
from msa_ops.deploy.dashboard import dashboard
from msa_ops.deploy.ingress import ingress
from msa_ops.deploy.jobs import job_manifests
from msa_ops.deploy.kafka import kafka_topics, kafka_users
from msa_ops.deploy.naming import DEPLOYED
from msa_ops.deploy.service_objects import (
    config_map,
    network_policy,
    pod_disruption_budget,
    service,
    service_account,
    service_monitor,
)
from msa_ops.deploy.workloads import deployment

EXECUTABLE = {layout.COMPOSE_TOPICS}


class _Dumper(yaml.SafeDumper):
    """Block style with indented sequences (yamllint's default), no aliases."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


class Block(str):
    """Text dumped as a literal block (``|-``), in the line breaks it has."""


def _block(dumper: yaml.SafeDumper, text: Block) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(text), style="|")


_Dumper.add_representer(Block, _block)


def rule_documents(rule: dict[str, Any]) -> list[dict[str, Any]]:
    """The PrometheusRule with each expression broken at spaces into lines of yamllint's
    length (PromQL ignores the line breaks)."""
    for group in rule["spec"]["groups"]:
        for r in group["rules"]:
            lines = textwrap.wrap(r["expr"], 96, break_long_words=False, break_on_hyphens=False)
            r["expr"] = Block("\n".join(lines))
    return [rule]


def yaml_documents(docs: Iterable[dict[str, Any]], what: str) -> str:
    parts = [f"# {layout.HEADER}\n# {what}\n"]
    for doc in docs:
        text = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        parts.append("---\n" + text)
    return "".join(parts)


def service_manifests(name: str) -> list[dict[str, Any]]:
    return [
        service_account(name),
        config_map(name),
        deployment(name),
        service(name),
        pod_disruption_budget(name),
        network_policy(name),
        service_monitor(name),
    ]


def rendered(cat: Catalogue) -> dict[Path, str]:
    """Every generated file: path relative to the repository root -> text."""
    scaled = consumers(cat, SERVICES)
    return {
        layout.KAFKA_TOPICS: yaml_documents(kafka_topics(cat), "One KafkaTopic per topic."),
        layout.KAFKA_USERS: yaml_documents(
            kafka_users(cat), "One KafkaUser (SCRAM-SHA-512) per actor, ACLs from the catalogue."
        ),
        layout.SERVICES: yaml_documents(
            (m for s in DEPLOYED for m in service_manifests(s)),
            "The four services and the scheduler (the daily clock).",
        ),
        layout.INGRESS: yaml_documents(
            [ingress()], "The front desk, finance and the dashboard, TLS by cert-manager."
        ),
        layout.AUTOSCALING: yaml_documents(
            (m for s in scaled for m in (trigger_authentication(s), scaled_object(cat, s))),
            "KEDA: scale each consumer on its group's lag, at most one pod per partition.",
        ),
        layout.JOBS: yaml_documents(
            job_manifests(),
            "Nightly backups; restores and reporting's rebuild (suspended templates).",
        ),
        layout.MONITORING: yaml_documents(
            rule_documents(prometheus_rule()), "The city's day (recording rules) and the alerts."
        ),
        layout.DASHBOARD: json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n",
        layout.COMPOSE_TOPICS: create_topics_script(cat),
    }


def write(root: Path, cat: Catalogue) -> list[Path]:
    """Bring the generated files under ``root`` up to date; return those changed."""
    changed: list[Path] = []
    for rel, text in rendered(cat).items():
        path = root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
        if rel in EXECUTABLE and not _executable(path):
            path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            changed += [] if path in changed else [path]
    return changed


def check(root: Path, cat: Catalogue) -> list[str]:
    """What differs between the files under ``root`` and the catalogue; empty when none."""
    drift: list[str] = []
    for rel, text in rendered(cat).items():
        path = root / rel
        if not path.is_file():
            drift.append(f"missing: {rel}")
        elif path.read_text(encoding="utf-8") != text:
            drift.append(f"out of date: {rel}")
        elif rel in EXECUTABLE and not _executable(path):
            drift.append(f"not executable: {rel}")
    return drift


def _executable(path: Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IXUSR)
