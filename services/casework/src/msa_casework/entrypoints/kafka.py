"""Kafka subscriptions: intake's persons, every provider's reports, and the clock."""

from __future__ import annotations

from collections.abc import Sequence

from msa_contracts import topics
from msa_contracts.envelope import InvalidMessage
from msa_contracts.events import ProviderReportRejected
from msa_contracts.topics import Catalogue, Topic
from msa_kit.access_requests import Collect, access_consumer
from msa_kit.consumers import Consumer
from msa_kit.outbox import Outgoing
from msa_kit.processing import Subscription
from msa_kit.records import RawRecord
from msa_kit.rejections import rejected_id, rejection_reason

from msa_casework.handlers import Handlers


def consumers(
    handlers: Handlers, catalogue: Catalogue, access: Collect | None = None
) -> list[Consumer]:
    """What casework consumes, with the event types the catalogue allows on each topic;
    with ``access``, also the access requests it answers."""
    persons = catalogue.topic(topics.PERSONS)
    reports = [catalogue.topic(topics.reports(p)) for p in catalogue.providers]
    clock = catalogue.topic(topics.CLOCK)
    return [
        Consumer("casework-persons", (persons.name,),
                 Subscription(handlers.handle, allowed_types=persons.event_types)),
        Consumer("casework-provider-reports", tuple(t.name for t in reports),
                 Subscription(handlers.handle, allowed_types=_types(reports),
                              rejector=reject_invalid_report, provider_of=catalogue.provider_of)),
        Consumer("casework-clock", (clock.name,),
                 Subscription(handlers.handle, allowed_types=clock.event_types)),
    ] + ([access_consumer("casework", catalogue, access)] if access else [])  # fmt: skip


def reject_invalid_report(
    invalid: InvalidMessage, record: RawRecord, provider: str | None
) -> list[Outgoing]:
    """Answer a provider's undecodable report on its assignment topic (the kit also
    dead-letters it): the reason code is the envelope's, the ids what the record carried."""
    if provider is None:
        return []
    event_id = rejected_id(record)
    rejection = ProviderReportRejected(
        case_id=record.key_text[:64] or "unknown", provider_id=provider,
        report_type=(record.header("ce_type") or "unknown")[:200], report_event_id=event_id,
        reasons=[rejection_reason(invalid)],
    )  # fmt: skip
    return [Outgoing(topics.assignments(provider), rejection, causation_id=event_id)]


def _types(topic_list: Sequence[Topic]) -> frozenset[str]:
    return frozenset(t for topic in topic_list for t in topic.event_types)
