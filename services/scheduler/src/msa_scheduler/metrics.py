"""The scheduler's Prometheus metrics (besides the kit's ``msa_clock_day_timestamp_seconds``)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

TICKS = Counter("msa_clock_ticks_published_total", "DayStarted ticks published and committed")
TICK_AGE = Gauge(
    "msa_clock_last_tick_age_seconds",
    "Seconds since the start (city midnight) of the last day published; above 86400 plus a "
    "few seconds the clock is stale",
)
FENCED = Gauge("msa_scheduler_fenced", "1 when another instance took over and this one stopped")
ROUND_FAILURES = Counter(
    "msa_scheduler_round_failures_total", "Tick rounds that failed (broker away, topic missing)"
)
