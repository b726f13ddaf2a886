"""Kafka subscriptions: intake's persons, every provider's reports, and the clock."""

from __future__ import annotations

import re
from collections.abc import Sequence

from msa_contracts import topics
from msa_contracts.envelope import InvalidMessage
from msa_contracts.events import ProviderReportRejected, Reason
from msa_contracts.topics import Catalogue, Topic
from msa_kit.consumers import Consumer
from msa_kit.outbox import Outgoing
from msa_kit.processing import Subscription
from msa_kit.records import RawRecord

from msa_casework.handlers import Handlers

REASON_CODE = re.compile(r"^[a-z][a-z0-9-]{1,48}$")


def consumers(handlers: Handlers, catalogue: Catalogue) -> list[Consumer]:
    """What casework consumes, with the event types the catalogue allows on each topic."""
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
    ]  # fmt: skip


def reject_invalid_report(
    invalid: InvalidMessage, record: RawRecord, provider: str | None
) -> list[Outgoing]:
    """Answer a provider's undecodable report on its assignment topic (the kit also
    dead-letters it): the reason code is the envelope's, the ids what the record carried."""
    if provider is None:
        return []
    event_id = _header(record, "ce_id") or f"offset-{record.partition}-{record.offset}"
    detail = invalid.details[0]["loc"] if invalid.details else None
    rejection = ProviderReportRejected(
        case_id=_text(record.key)[:64] or "unknown", provider_id=provider,
        report_type=(_header(record, "ce_type") or "unknown")[:200],
        report_event_id=event_id[:128],
        reasons=[Reason(
            code=invalid.code if REASON_CODE.match(invalid.code) else "invalid-message",
            message=invalid.message[:500] or invalid.code, field=detail[:100] if detail else None,
        )],
    )  # fmt: skip
    return [Outgoing(topics.assignments(provider), rejection, causation_id=event_id[:128])]


def _types(topic_list: Sequence[Topic]) -> frozenset[str]:
    return frozenset(t for topic in topic_list for t in topic.event_types)


def _header(record: RawRecord, name: str) -> str | None:
    value = next((v for k, v in record.headers if k.lower() == name), None)
    return _text(value) or None


def _text(raw: bytes | None) -> str:
    return raw.decode("utf-8", errors="replace") if raw else ""
