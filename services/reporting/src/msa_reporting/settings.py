"""Reporting's settings: the kit's, plus topics, the suppression threshold and timing."""

from __future__ import annotations

from msa_contracts.topics import CASES, CLOCK, LEDGER, OUTCOMES, PERSONS
from msa_kit.settings import KitSettings
from pydantic import Field


class ReportingSettings(KitSettings):
    """Environment variables: the kit's, ``SUPPRESSION_THRESHOLD`` and ``REPORTING_*``."""

    service_name: str = "reporting"
    suppression_threshold: int = Field(
        default=5, ge=2, description="cells with fewer persons than this are suppressed"
    )
    reporting_persons_topic: str = PERSONS
    reporting_cases_topic: str = CASES
    reporting_ledger_topic: str = LEDGER
    reporting_clock_topic: str = CLOCK
    reporting_outcomes_topic: str = OUTCOMES
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
            PERSONS: self.reporting_persons_topic,
            CASES: self.reporting_cases_topic,
            LEDGER: self.reporting_ledger_topic,
            CLOCK: self.reporting_clock_topic,
        }

    @property
    def dashboard_url(self) -> str:
        base = self.public_base_url or f"http://{self.http_host}:{self.http_port}"
        return f"{base.rstrip('/')}/dashboard"
