"""Prometheus metrics shared by every service (exposed on /metrics).

Names and labels here are what the Grafana dashboard and the PrometheusRule in deploy/k8s
query (tests/deploy checks every expression against a real scrape); rename one only with
them. docs/OBSERVABILITY.md describes each.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MESSAGES = Counter(
    "msa_messages_total",
    "Kafka records handled, by topic and outcome",
    ["topic", "outcome"],
)
HANDLE_SECONDS = Histogram(
    "msa_handle_seconds",
    "Time to handle one record, including its transaction",
    ["topic"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
DEAD_LETTERS = Counter(
    "msa_dead_letters_total",
    "Records sent to the dead-letter topic, by the topic they came from and the reason code",
    ["topic", "code"],
)
OUTBOX_PUBLISHED = Counter("msa_outbox_published_total", "Outbox records published")
OUTBOX_PENDING = Gauge("msa_outbox_pending", "Outbox records found pending at the last poll")
OUTBOX_OLDEST_AGE = Gauge(
    "msa_outbox_oldest_unsent_age_seconds",
    "Age of the oldest outbox record not yet published (parked ones aside), as the relay last "
    "saw it at its poll; 0 when none is pending",
)
INFRA_RETRIES = Counter("msa_infra_retries_total", "Retries because a dependency was away")
OUTBOX_PARKED = Counter(
    "msa_outbox_parked_total", "Outbox records the broker can never take, parked for operators"
)
BATCH_RECORDS = Histogram(
    "msa_batch_records",
    "Records committed per batch transaction",
    buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000),
)
CLOCK_DAY = Gauge(
    "msa_clock_day_timestamp_seconds",
    "Start (city midnight, Unix seconds) of the latest clock day this service has reached",
)
CONSUMER_LAG = Gauge(
    "msa_consumer_lag_records",
    "Records on a partition this instance consumes that its group has not committed yet "
    "(end offset minus committed offset)",
    ["group", "topic", "partition"],
)
HTTP_REQUESTS = Counter(
    "msa_http_requests_total",
    "HTTP requests answered, by method, route template and status code",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "msa_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
STORE_WRITES = Counter(
    "msa_store_writes_total",
    "Documents the store acknowledged as inserted, updated or deleted, by collection",
    ["collection", "kind"],
)
STORE_COMMANDS = Counter(
    "msa_store_write_commands_total",
    "Write commands the store acknowledged",
    ["collection", "kind"],
)
