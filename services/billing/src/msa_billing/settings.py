"""Billing's settings: the kit's, plus how long entries are held, the deletion periods and
the topics."""

from __future__ import annotations

from msa_kit.settings import KitSettings
from pydantic import Field

from msa_billing.routing import BillingTopics


class BillingSettings(KitSettings):
    """Environment variables as in ``KitSettings`` (upper case, no prefix)."""

    service_name: str = "billing"
    billing_hold_days: int = Field(
        default=30, ge=0,
        description="clock days past its service date an entry waits for its assignment or "
        "approval before it is rejected",
    )  # fmt: skip
    billing_future_tolerance_days: int = Field(
        default=1, ge=0, description="how far past the latest clock day a service date may lie"
    )
    hours_retention_days: int = Field(
        default=1096, ge=1,
        description="days after a case closed until its hour entries and invoice lines are "
        "anonymised (default 3 years, as casework's case files; the earlier of the two "
        "applies; see docs/DATA-PROTECTION.md)",
    )  # fmt: skip
    invoice_retention_years: int = Field(
        default=10, ge=1,
        description="years after the end of its year of issue that an invoice (with its "
        "amounts and anonymised lines) is kept: AO §147, HGB §257",
    )  # fmt: skip
    kafka_linger_ms: int = Field(
        default=0, ge=0,
        description="the relay's linger: it sends a whole batch of outbox records and then "
        "waits for their acknowledgement, so lingering only delays every answer",
    )  # fmt: skip
    billing_cases_topic: str = BillingTopics.cases
    billing_clock_topic: str = BillingTopics.clock
    billing_ledger_topic: str = BillingTopics.ledger
    billing_provider_topic_prefix: str = BillingTopics.provider_prefix

    @property
    def topics(self) -> BillingTopics:
        return BillingTopics(
            cases=self.billing_cases_topic, clock=self.billing_clock_topic,
            ledger=self.billing_ledger_topic, provider_prefix=self.billing_provider_topic_prefix,
        )  # fmt: skip
