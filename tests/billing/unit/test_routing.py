"""The mapping from facts to outgoing records."""

from __future__ import annotations

from datetime import date

from msa_billing.domain.facts import Cause, Fact
from msa_billing.routing import BillingTopics, outgoing
from msa_billing.settings import BillingSettings

from tests.billing.builders import tick

CAUSE = Cause(event_id="in-1", correlation_id="corr-1")


def test_a_public_fact_goes_to_feedback_and_ledger_under_one_event_id() -> None:
    topics = BillingTopics()
    event = tick(date(2026, 3, 2))
    records = outgoing([Fact(event, "caritas", ledger=True), Fact(event, "awo", ledger=False)],
                       topics, CAUSE)  # fmt: skip

    assert [r.topic for r in records] == [topics.feedback("caritas"), topics.ledger,
                                          topics.feedback("awo")]  # fmt: skip
    assert records[0].event_id == records[1].event_id != records[2].event_id
    assert {(r.correlation_id, r.causation_id) for r in records} == {("corr-1", "in-1")}


def test_billings_relay_does_not_linger_before_sending() -> None:
    assert BillingSettings().kafka_linger_ms == 0
