"""The PrometheusRule and the Grafana dashboard, offline: promtool checks the rules and runs
their unit tests (tests/deploy/promtool/), the city's day is exact around summer time, every
alert links a runbook section of deploy/README.md, and every dashboard query parses and
names only metrics the services export (msa_kit.metrics; the scrape of a running service
is compared in test_monitoring_scrape.py) or the rules record."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from msa_kit.city_day import city_day, city_midnight, city_zone
from msa_ops.deploy.alerts import RUNBOOK
from msa_ops.deploy.dashboard import PANELS

from tests.deploy.promql import metric_names, with_grafana_values
from tests.deploy.support import ROOT, TOOLS_BIN, Doc, Tree, run

PROMTOOL_TESTS = Path(__file__).parent / "promtool"
README = ROOT / "deploy" / "README.md"
DASHBOARD_FILE = "msa-services.json"


def promtool(*args: str, cwd: Path) -> str:
    done = run([str(TOOLS_BIN / "promtool"), *args], cwd=cwd, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def rule_groups(tree: Tree, overlay: str = "prod") -> list[dict[str, Any]]:
    (rule,) = tree.docs(overlay, "PrometheusRule")
    groups: list[dict[str, Any]] = rule["spec"]["groups"]
    return groups


def rules_dir(tree: Tree, tmp_path: Path) -> Path:
    """The rendered rules as a Prometheus rule file, beside the promtool unit tests."""
    shutil.copytree(PROMTOOL_TESTS, tmp_path, dirs_exist_ok=True)
    text = yaml.safe_dump({"groups": rule_groups(tree)}, sort_keys=False, width=1000)
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def alerts(tree: Tree) -> list[dict[str, Any]]:
    return [r for g in rule_groups(tree) for r in g["rules"] if "alert" in r]


def recorded(tree: Tree) -> set[str]:
    return {r["record"] for g in rule_groups(tree) for r in g["rules"] if "record" in r}


def test_promtool_checks_the_rendered_rules(tree: Tree, tmp_path: Path) -> None:
    out = promtool("check", "rules", "rules.yaml", cwd=rules_dir(tree, tmp_path))
    assert "SUCCESS" in out


def test_the_alerts_fire_and_stay_quiet_as_their_unit_tests_say(repo: Tree, tmp_path: Path) -> None:
    out = promtool("test", "rules", "alerts.test.yaml", cwd=rules_dir(repo, tmp_path))
    assert "SUCCESS" in out


def _instants() -> list[datetime]:
    """Every half hour across both switch days of 2027 and 2028 and an ordinary day, in UTC."""
    days = [date(2027, 3, 27), date(2027, 10, 30), date(2028, 3, 25), date(2028, 10, 28),
            date(2027, 7, 14), date(2027, 12, 31)]  # fmt: skip
    start = [datetime(d.year, d.month, d.day, 20, 15, tzinfo=UTC) for d in days]
    return [s + timedelta(minutes=30 * i) for s in start for i in range(16)]


def test_the_citys_day_start_is_exact_around_summer_time(repo: Tree, tmp_path: Path) -> None:
    """Against zoneinfo's Europe/Berlin: the recorded start of the city's day (and its UTC
    offset) at instants from before the city's midnight to after the switch at 01:00 UTC."""
    tests = []
    for at in _instants():
        start = city_midnight(city_day(at)).timestamp()
        now_offset = at.astimezone(city_zone()).utcoffset()
        assert now_offset is not None
        tests.append({
            "name": f"at {at.isoformat()}", "start_timestamp": at.isoformat(), "interval": "1m",
            "input_series": [],
            "promql_expr_test": [
                {"expr": "msa:city_day_start_timestamp_seconds", "eval_time": "0m",
                 "exp_samples": [{"labels": "msa:city_day_start_timestamp_seconds",
                                  "value": start}]},
                {"expr": "msa:city_utc_offset_seconds", "eval_time": "0m",
                 "exp_samples": [{"labels": "msa:city_utc_offset_seconds",
                                  "value": now_offset.total_seconds()}]},
            ],
        })  # fmt: skip
    where = rules_dir(repo, tmp_path)
    spec = {"rule_files": ["rules.yaml"], "evaluation_interval": "1m", "tests": tests}
    (where / "city-day.test.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert "SUCCESS" in promtool("test", "rules", "city-day.test.yaml", cwd=where)
    print(f"city day start checked at {len(tests)} instants around the summer-time switches")


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors of the headings (lower case, punctuation dropped, spaces to '-')."""
    headings = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


def test_every_alert_has_severity_summary_description_and_a_runbook_section(
    tree: Tree,
) -> None:
    anchors = _anchors(README.read_text(encoding="utf-8"))
    names = set()
    for alert in alerts(tree):
        names.add(alert["alert"])
        assert alert["labels"]["severity"] in {"warning", "critical"}, alert["alert"]
        notes = alert["annotations"]
        assert notes["summary"] and notes["description"], alert["alert"]
        base, _, anchor = notes["runbook_url"].partition("#")
        assert base == RUNBOOK and anchor in anchors, (alert["alert"], anchor)
    assert names >= {"MsaConsumerLagGrowing", "MsaOutboxStuck", "MsaDeadLetters",
                     "MsaClockDayStale", "MsaServiceDown", "MsaServiceAbsent"}  # fmt: skip


def dashboard(tree: Tree, overlay: str) -> tuple[Doc, dict[str, Any]]:
    (config_map,) = [
        d for d in tree.docs(overlay, "ConfigMap") if d["metadata"]["name"] == "msa-dashboard"
    ]
    return config_map, json.loads(config_map["data"][DASHBOARD_FILE])


def dashboard_queries(board: dict[str, Any]) -> list[str]:
    targets = [t["expr"] for p in board["panels"] for t in p["targets"]]
    variables = [v["query"]["query"] for v in board["templating"]["list"] if v["type"] == "query"]
    selectors = [re.fullmatch(r"label_values\((.+), \w+\)", q) for q in variables]
    assert all(selectors), variables
    return targets + [m.group(1) for m in selectors if m]


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_dashboard_ships_as_a_configmap_for_the_grafana_sidecar(
    tree: Tree, overlay: str
) -> None:
    config_map, board = dashboard(tree, overlay)
    assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert config_map["metadata"]["namespace"] == f"msa-{overlay}"
    assert board["uid"] and board["title"]
    (source,) = [v for v in board["templating"]["list"] if v["type"] == "datasource"]
    assert source["query"] == "prometheus"
    uses = {json.dumps(p["datasource"]) for p in board["panels"]}
    assert uses == {json.dumps({"type": "prometheus", "uid": f"${{{source['name']}}}"})}
    assert len(board["panels"]) == len(PANELS)
    ids = [p["id"] for p in board["panels"]]
    assert len(set(ids)) == len(ids)


def test_every_dashboard_query_parses(repo: Tree, tmp_path: Path) -> None:
    _, board = dashboard(repo, "prod")
    queries = [with_grafana_values(q) for q in dashboard_queries(board)]
    assert not [q for q in queries if "$" in q], "a Grafana variable left unreplaced"
    rules = [{"record": f"dashboard:query_{i}", "expr": q} for i, q in enumerate(queries)]
    text = yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, width=1000)
    (tmp_path / "dashboard-queries.yaml").write_text(text, encoding="utf-8")
    assert "SUCCESS" in promtool("check", "rules", "dashboard-queries.yaml", cwd=tmp_path)


def exported_by_the_kit() -> set[str]:
    """The sample names of every metric the services' code defines (kit and scheduler)."""
    import msa_kit.metrics
    import msa_scheduler.metrics
    from prometheus_client.metrics import MetricWrapperBase

    names: set[str] = set()
    for module in (msa_kit.metrics, msa_scheduler.metrics):
        for metric in vars(module).values():
            if not isinstance(metric, MetricWrapperBase):
                continue
            described = metric.describe()
            names |= {sample_name(m.name, m.type) for m in described} - {""}
            names |= {n for m in described for n in histogram_names(m.name, m.type)}
    return names


def sample_name(family: str, kind: str) -> str:
    return {"counter": f"{family}_total", "gauge": family}.get(kind, "")


def histogram_names(family: str, kind: str) -> list[str]:
    return [f"{family}_{s}" for s in ("bucket", "sum", "count")] if kind == "histogram" else []


def test_dashboard_and_alerts_name_only_metrics_the_services_export_or_the_rules_record(
    repo: Tree,
) -> None:
    _, board = dashboard(repo, "prod")
    used = {n for q in dashboard_queries(board) for n in metric_names(q)}
    used |= {n for g in rule_groups(repo) for r in g["rules"] for n in metric_names(r["expr"])}
    known = exported_by_the_kit() | recorded(repo) | {"up"}  # `up`: Prometheus's own
    assert used - known == set()
    assert {"msa_consumer_lag_records", "msa_outbox_oldest_unsent_age_seconds",
            "msa_dead_letters_total", "msa_http_requests_total",
            "msa_http_request_duration_seconds_bucket", "msa_clock_day_timestamp_seconds",
            "up"} <= used  # fmt: skip


def test_metric_names_are_read_from_selectors_only() -> None:
    expr = (
        'sum by (job, le) (rate(a_total{x="y(", job=~"msa-.+"}[5m])) / on (job) group_left '
        "b:recorded offset 15m > bool 1e3 or absent(up{job='z'}) unless month(vector(time()))"
    )
    assert metric_names(expr) == {"a_total", "b:recorded", "up"}
