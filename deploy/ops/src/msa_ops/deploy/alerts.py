"""The PrometheusRule: the city-time recording rules and the alerts on the services' metrics
(msa_kit.metrics), each with a severity, a summary, a description and a runbook section of
deploy/README.md.

Every expression keeps the ``namespace`` and ``job`` labels (job = the Service, e.g.
``msa-billing``, as the ServiceMonitor's targets carry it), so one Prometheus can watch
several environments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from msa_ops.deploy.city_time import DAY_START, recording_rules
from msa_ops.deploy.naming import DEPLOYED, PART_OF, workload

RUNBOOK = "https://git.msa.example.org/msa/msa/-/blob/main/deploy/README.md"
OURS = 'job=~"msa-.+"'
BY = "namespace, job"
OUTBOX_STUCK_S = 300
CLOCK_MARGIN = "30m"
#: a service on the city's day has exactly its start; one on an earlier day is at least
#: 23 h behind. Two hours between keep the comparison clear of any summer-time hour.
DAY_TOLERANCE_S = 7200


@dataclass(frozen=True)
class Alert:
    name: str
    expr: str
    wait: str
    severity: str
    summary: str
    description: str
    runbook: str  # the anchor of the section in deploy/README.md

    def rule(self) -> dict[str, Any]:
        return {
            "alert": self.name,
            "expr": self.expr,
            "for": self.wait,
            "labels": {"severity": self.severity},
            "annotations": {
                "summary": self.summary,
                "description": self.description,
                "runbook_url": f"{RUNBOOK}#{self.runbook}",
            },
        }


def _lag(by: str) -> str:
    return f"sum by ({by}) (msa_consumer_lag_records{{{OURS}}})"


def _lag_growing() -> str:
    by = f"{BY}, group, topic"
    rising = f"sum by ({by}) (deriv(msa_consumer_lag_records{{{OURS}}}[10m]))"
    return f"({_lag(by)} > 0) and on ({by}) ({rising} > 0)"


def _dead_letters() -> str:
    by = f"{BY}, topic, code"
    letters = f"msa_dead_letters_total{{{OURS}}}"
    # a counter's first series starts at 1, which increase() cannot see: count new series too
    return (
        f"sum by ({by}) (increase({letters}[15m])) > 0"
        f" or sum by ({by}) ({letters} unless {letters} offset 15m)"
    )


def _clock_stale() -> str:
    day = f"max by ({BY}) (msa_clock_day_timestamp_seconds{{{OURS}}})"
    return f"{day} < scalar({DAY_START}) - {DAY_TOLERANCE_S}"


ALERTS = (
    Alert(
        "MsaConsumerLagGrowing", _lag_growing(), "15m", "warning",
        "{{ $labels.job }} falls behind on {{ $labels.topic }}",
        "Group {{ $labels.group }} has {{ $value | humanize }} records of {{ $labels.topic }} "
        "not yet committed, and the lag has grown for 15 minutes.",
        "runbook-consumer-lag-growing",
    ),
    Alert(
        "MsaOutboxStuck",
        f"max by ({BY}) (msa_outbox_oldest_unsent_age_seconds{{{OURS}}}) > {OUTBOX_STUCK_S}",
        "5m", "critical",
        "{{ $labels.job }} cannot publish its outbox",
        "The oldest unpublished outbox record of {{ $labels.job }} is {{ $value | "
        "humanizeDuration }} old: its events do not reach Kafka.",
        "runbook-outbox-stuck",
    ),
    Alert(
        "MsaDeadLetters", _dead_letters(), "0m", "warning",
        "{{ $labels.job }} dead-lettered records of {{ $labels.topic }}",
        "{{ $value | humanize }} record(s) of {{ $labels.topic }} went to the dead-letter topic "
        "in the last 15 minutes, reason code {{ $labels.code }}.",
        "runbook-dead-letters",
    ),
    Alert(
        "MsaClockDayStale", _clock_stale(), CLOCK_MARGIN, "critical",
        "{{ $labels.job }} is still on an earlier day than the city",
        "{{ $labels.job }} is on the day starting {{ $value | humanizeTimestamp }}, 30 minutes "
        "after the city's day (Europe/Berlin) began: its daily work did not run.",
        "runbook-clock-day-stale",
    ),
    Alert(
        "MsaServiceDown", f"sum by ({BY}) (up{{{OURS}}}) == 0", "3m", "critical",
        "No instance of {{ $labels.job }} answers",
        "Prometheus could not scrape any pod of {{ $labels.job }} for 3 minutes.",
        "runbook-service-down",
    ),
    Alert(
        "MsaInstanceDown", f"up{{{OURS}}} == 0", "10m", "warning",
        "Pod {{ $labels.pod }} of {{ $labels.job }} does not answer",
        "Prometheus could not scrape {{ $labels.pod }} for 10 minutes; other pods may serve.",
        "runbook-service-down",
    ),
    Alert(
        "MsaServiceAbsent", " or ".join(f'absent(up{{job="{workload(s)}"}})' for s in DEPLOYED),
        "10m", "critical",
        "{{ $labels.job }} is not scraped at all",
        "Prometheus has no target of {{ $labels.job }}: the Deployment is gone or scaled to zero, "
        "or its ServiceMonitor is not selected.",
        "runbook-service-down",
    ),
)  # fmt: skip


def prometheus_rule() -> dict[str, Any]:
    alerts = {"name": "msa-alerts", "rules": [a.rule() for a in ALERTS]}
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "msa",
            "labels": {
                "app.kubernetes.io/name": "msa-alerts",
                "app.kubernetes.io/part-of": PART_OF,
            },
        },
        "spec": {"groups": [recording_rules(), alerts]},
    }
