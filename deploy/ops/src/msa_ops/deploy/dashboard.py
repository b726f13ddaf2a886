"""The Grafana dashboard "MSA services": one panel per metric the services export
(msa_kit.metrics), per service, for the namespace chosen; the data source is a variable.

The JSON is generated into deploy/k8s/base/generated/dashboards/ and shipped as a ConfigMap
(labelled ``grafana_dashboard: "1"``, kustomize's configMapGenerator in base/) for Grafana's
dashboard sidecar; it can also be imported by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from msa_ops.deploy.city_time import DAY_START

UID = "msa-services"
DS = {"type": "prometheus", "uid": "${datasource}"}
SEL = 'namespace="$namespace", job=~"$job"'
RATE = "$__rate_interval"
WIDTH, HEIGHT = 12, 8
OPTIONS: dict[str, dict[str, Any]] = {
    "timeseries": {"legend": {"displayMode": "list", "placement": "bottom"}},
    "stat": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
             "textMode": "value_and_name", "colorMode": "none"},
}  # fmt: skip


@dataclass(frozen=True)
class Panel:
    title: str
    description: str
    targets: tuple[tuple[str, str], ...]  # (expression, legend)
    unit: str = "short"
    kind: str = "timeseries"


PANELS = (
    Panel("Instances up", "Scrape success per pod (1 up, 0 down).",
          ((f"up{{{SEL}}}", "{{job}} {{pod}}"),)),
    Panel("Consumer lag by topic", "Records not yet committed by each service's group.",
          ((f"sum by (job, group, topic) (msa_consumer_lag_records{{{SEL}}})",
            "{{job}} {{topic}}"),)),
    Panel("Consumer lag by partition", "The same, per partition: one slow partition shows.",
          ((f"max by (job, topic, partition) (msa_consumer_lag_records{{{SEL}}})",
            "{{job}} {{topic}}[{{partition}}]"),)),
    Panel("Oldest unsent outbox record", "Age of the oldest outbox record not yet on Kafka.",
          ((f"max by (job) (msa_outbox_oldest_unsent_age_seconds{{{SEL}}})", "{{job}}"),), "s"),
    Panel("Outbox published and pending", "Records the relay published per second, and "
          "those its last poll found pending.",
          ((f"sum by (job) (rate(msa_outbox_published_total{{{SEL}}}[{RATE}]))",
            "{{job}} published/s"),
           (f"max by (job) (msa_outbox_pending{{{SEL}}})", "{{job}} pending"))),
    Panel("Dead letters", "Records dead-lettered per hour, by source topic and reason code.",
          ((f"sum by (job, topic, code) (increase(msa_dead_letters_total{{{SEL}}}[1h]))",
            "{{job}} {{topic}} {{code}}"),)),
    Panel("Records handled", "Consumed records per second, by topic and outcome.",
          ((f"sum by (job, topic, outcome) (rate(msa_messages_total{{{SEL}}}[{RATE}]))",
            "{{job}} {{topic}} {{outcome}}"),), "ops"),
    Panel("HTTP requests", "Requests per second by route template and status.",
          ((f"sum by (job, route, status) (rate(msa_http_requests_total{{{SEL}}}[{RATE}]))",
            "{{job}} {{route}} {{status}}"),), "reqps"),
    Panel("HTTP latency p95", "95th percentile of the response time, by route template.",
          ((f"histogram_quantile(0.95, sum by (job, route, le) "
            f"(rate(msa_http_request_duration_seconds_bucket{{{SEL}}}[{RATE}])))",
            "{{job}} {{route}}"),), "s"),
    Panel("HTTP server errors", "Share of responses with a 5xx status.",
          ((f'sum by (job) (rate(msa_http_requests_total{{{SEL}, status=~"5.."}}[{RATE}]))'
            f" / sum by (job) (rate(msa_http_requests_total{{{SEL}}}[{RATE}]))",
            "{{job}}"),), "percentunit"),
    Panel("Clock day", "The day each service is on (the start of that day in the city).",
          ((f"max by (job) (msa_clock_day_timestamp_seconds{{{SEL}}}) * 1000", "{{job}}"),
           (f"{DAY_START} * 1000", "the city's day")), "dateTimeAsIso", "stat"),
    Panel("Days behind the city", "How many days each service is behind the city's day; "
          "above 0 half an hour after midnight raises MsaClockDayStale.",
          ((f"(scalar({DAY_START}) - max by (job) "
            f"(msa_clock_day_timestamp_seconds{{{SEL}}})) / 86400", "{{job}}"),)),
)  # fmt: skip


def _panel(n: int, panel: Panel) -> dict[str, Any]:
    return {
        "id": n + 1,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "datasource": DS,
        "gridPos": {"x": (n % 2) * WIDTH, "y": (n // 2) * HEIGHT, "w": WIDTH, "h": HEIGHT},
        "fieldConfig": {"defaults": {"unit": panel.unit}, "overrides": []},
        "options": OPTIONS[panel.kind],
        "targets": [
            {"refId": chr(ord("A") + i), "datasource": DS, "expr": expr, "legendFormat": legend}
            for i, (expr, legend) in enumerate(panel.targets)
        ],
    }


def _variable(name: str, label: str, query: str, *, multi: bool) -> dict[str, Any]:
    return {
        "name": name, "label": label, "type": "query", "datasource": DS,
        "query": {"query": query, "refId": f"{name}-values"}, "definition": query,
        "refresh": 2, "sort": 1, "multi": multi, "includeAll": multi,
        **({"allValue": "msa-.+"} if multi else {}),
    }  # fmt: skip


def dashboard() -> dict[str, Any]:
    datasource = {"name": "datasource", "label": "Data source", "type": "datasource",
                  "query": "prometheus", "refresh": 1}  # fmt: skip
    variables = [
        datasource,
        _variable("namespace", "Namespace", 'label_values(up{job=~"msa-.+"}, namespace)',
                  multi=False),
        _variable("job", "Service", 'label_values(up{namespace="$namespace", job=~"msa-.+"}, job)',
                  multi=True),
    ]  # fmt: skip
    return {
        "uid": UID,
        "title": "MSA services",
        "description": "Consumer lag, outbox, dead letters, HTTP and the clock day of every "
        "MSA service (docs/OBSERVABILITY.md).",
        "tags": ["msa"],
        "timezone": "Europe/Berlin",
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": variables},
        "annotations": {"list": []},
        "panels": [_panel(n, p) for n, p in enumerate(PANELS)],
    }
