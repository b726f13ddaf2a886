"""Billing's topics, and the one mapping step from facts to outgoing records."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from msa_contracts import topics
from msa_kit.outbox import Outgoing
from msa_kit.trace_context import TraceContext

from msa_billing.domain.facts import Cause, Fact


@dataclass(frozen=True)
class BillingTopics:
    """Topic names as in the contracts' catalogue (replaceable for isolated tests)."""

    cases: str = topics.CASES
    clock: str = topics.CLOCK
    ledger: str = topics.LEDGER
    provider_prefix: str = topics.PROVIDERS

    def hours(self, provider_id: str) -> str:
        """The provider's own inbound topic for hour entries."""
        return topics.provider_topic(provider_id, "hours", prefix=self.provider_prefix)

    def feedback(self, provider_id: str) -> str:
        """Billing's answers, budget warnings and invoices for the provider."""
        return topics.provider_topic(provider_id, "feedback", prefix=self.provider_prefix)

    def provider_of(self, providers: Iterable[str]) -> Callable[[str], str | None]:
        """The provider whose hours topic a topic is: its identity, never a field."""
        owners = {self.hours(p): p for p in providers}
        return owners.get


def outgoing(facts: Iterable[Fact], topics: BillingTopics, default: Cause) -> list[Outgoing]:
    """Each fact to the provider's feedback topic and, if public, to the ledger, caused by the
    record it answers and continuing its trace; on both topics it keeps one ``ce_id`` (and is
    one outbox record)."""
    records = []
    for fact in facts:
        cause = fact.cause or default
        ids = {"correlation_id": cause.correlation_id, "causation_id": cause.event_id,
               "event_id": str(uuid.uuid4())}  # fmt: skip
        trace = TraceContext.parse(cause.traceparent, cause.tracestate)
        if fact.provider_id is not None:
            records.append(
                Outgoing(topics.feedback(fact.provider_id), fact.event, **ids, trace=trace)
            )
        if fact.ledger:
            records.append(Outgoing(topics.ledger, fact.event, **ids, trace=trace))
    return records
