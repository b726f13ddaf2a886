"""The dashboard and the alerts against a real scrape: casework runs as its own process on
the real broker and store, and every metric a dashboard query or an alert names (apart from
Prometheus's `up` and what the rules record) is on its /metrics, with samples for the
kit's consumer lag, outbox age, HTTP requests and clock day."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from msa_ops.keys import LocalKeys
from msa_ops.stack import port_of
from prometheus_client.parser import text_string_to_metric_families

from tests.deploy.promql import metric_names
from tests.deploy.support import Tree
from tests.deploy.test_monitoring import dashboard, dashboard_queries, recorded, rule_groups
from tests.e2e.stacks import keys, reference_dir, started_stack
from tests.kit.support import wait_for

__all__ = ["keys", "reference_dir"]  # fixtures
pytestmark = pytest.mark.integration


def free_base_port(service: str) -> int:
    """A stack base port whose ``service`` port is free now (no fixed port, no lock)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1]) - port_of(service, 0)


def sample_names(text: str) -> tuple[set[str], set[str]]:
    """(every series name the scrape declares, those with at least one sample)."""
    declared, sampled = set(), set()
    for family in text_string_to_metric_families(text):
        kind = family.type
        suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}
        declared |= {family.name + s for s in suffixes.get(kind, [""])}
        sampled |= {s.name for s in family.samples}
    return declared, sampled


async def test_a_running_service_exports_every_metric_the_dashboard_and_alerts_query(
    repo: Tree, infra: Any, keys: LocalKeys, reference_dir: Path, tmp_path: Path
) -> None:
    async with started_stack(
        ["casework"], infra=infra, keys=keys, reference_dir=reference_dir, log_dir=tmp_path,
        base_port=free_base_port("casework"), env={"METRICS_LAG_INTERVAL_S": "0.5"},
    ) as stack:  # fmt: skip
        url = stack["casework"].url
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            assert (await client.get("/cases/C-1")).status_code == 401  # no token

            text = ""

            async def lag_measured() -> bool:
                nonlocal text
                text = (await client.get("/metrics")).text
                return "msa_consumer_lag_records{" in text

            await wait_for(lag_measured, timeout_s=30)
    declared, sampled = sample_names(text)
    _, board = dashboard(repo, "prod")
    used = {n for q in dashboard_queries(board) for n in metric_names(q)}
    used |= {n for g in rule_groups(repo) for r in g["rules"] for n in metric_names(r["expr"])}
    service_metrics = used - recorded(repo) - {"up"}
    print(f"casework declares {len(declared)} series names; queried: {sorted(service_metrics)}")
    assert service_metrics <= declared
    assert {
        "msa_consumer_lag_records",
        "msa_outbox_oldest_unsent_age_seconds",
        "msa_http_requests_total",
        "msa_http_request_duration_seconds_bucket",
    } <= sampled
    assert 'route="/cases/{case_id}",status="401"' in text  # the template, not /cases/C-1
