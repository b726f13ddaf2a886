"""Reporting's settings: the kit's, plus topics, the suppression threshold and timing."""

from __future__ import annotations

from msa_contracts.topics import SHARED_TOPICS
from msa_kit.settings import KitSettings
from pydantic import Field


def _topic(producer: str) -> str:
    return next(t.name for t in SHARED_TOPICS if producer in t.producers)


PERSONS_TOPIC = _topic("intake")
CASES_TOPIC = _topic("casework")
LEDGER_TOPIC = _topic("billing")
CLOCK_TOPIC = _topic("scheduler")
OUTCOMES_TOPIC = _topic("reporting")


class ReportingSettings(KitSettings):
    """Environment variables: the kit's, ``SUPPRESSION_THRESHOLD`` and ``REPORTING_*``."""

    service_name: str = "reporting"
    suppression_threshold: int = Field(
        default=5, ge=2, description="cells with fewer persons than this are suppressed"
    )
    reporting_persons_topic: str = PERSONS_TOPIC
    reporting_cases_topic: str = CASES_TOPIC
    reporting_ledger_topic: str = LEDGER_TOPIC
    reporting_clock_topic: str = CLOCK_TOPIC
    reporting_outcomes_topic: str = OUTCOMES_TOPIC
    reporting_refresh_s: float = Field(
        default=0.5, gt=0, description="quiet time after new events before figures are recomputed"
    )
    reporting_reconcile_s: float = Field(
        default=60.0, gt=0, description="how often stored events are re-read from the database"
    )
    public_base_url: str = Field(default="", description="the dashboard's address, if proxied")

    @property
    def input_topics(self) -> dict[str, str]:
        """Catalogue topic name → the topic actually consumed (tests use their own)."""
        return {
            PERSONS_TOPIC: self.reporting_persons_topic,
            CASES_TOPIC: self.reporting_cases_topic,
            LEDGER_TOPIC: self.reporting_ledger_topic,
            CLOCK_TOPIC: self.reporting_clock_topic,
        }

    @property
    def dashboard_url(self) -> str:
        base = self.public_base_url or f"http://{self.http_host}:{self.http_port}"
        return f"{base.rstrip('/')}/dashboard"
