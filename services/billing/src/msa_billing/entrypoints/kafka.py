"""Kafka subscriptions: every provider's hours, casework's case feed, and the clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime

from msa_contracts.envelope import InvalidMessage
from msa_contracts.events import DayStarted, HoursLogged
from msa_contracts.topics import CASE_FEED
from msa_kit.consumers import Consumer
from msa_kit.outbox import Outgoing
from msa_kit.processing import Rejector, Subscription
from msa_kit.records import RawRecord
from msa_kit.rejections import rejected_id, rejection_reason

from msa_billing.domain.settle import rejection
from msa_billing.handlers import Handlers
from msa_billing.routing import BillingTopics


def consumers(
    handlers: Handlers, topics: BillingTopics, providers: Sequence[str],
    clock: Callable[[], datetime], access: Consumer | None = None,
) -> list[Consumer]:  # fmt: skip
    """What billing consumes, with the event types allowed on each topic (and, with
    ``access``, the access requests it answers)."""
    hours = tuple(topics.hours(p) for p in providers)
    return [
        Consumer("billing-hours", hours, Subscription(
            handlers.handle, allowed_types={HoursLogged.ce_type()},
            rejector=rejector(topics, clock), provider_of=topics.provider_of(providers),
            prepare=handlers.prepare_hours,
        )),
        Consumer("billing-cases", (topics.cases,), Subscription(
            handlers.handle, allowed_types={kind.ce_type() for kind in CASE_FEED},
        )),
        Consumer("billing-clock", (topics.clock,), Subscription(
            handlers.handle, allowed_types={DayStarted.ce_type()},
        )),
    ] + ([access] if access else [])  # fmt: skip


def rejector(topics: BillingTopics, clock: Callable[[], datetime]) -> Rejector:
    """Answer a record on a provider's hours topic that is no valid entry (the kit also
    dead-letters it): the reason code is the envelope's, the ids what the record carried."""

    def reject(invalid: InvalidMessage, record: RawRecord, provider: str | None) -> list[Outgoing]:
        if provider is None:
            return []
        event_id = rejected_id(record)
        body = _json(record.value)
        answer = rejection(provider, str(body.get("entry_id") or "unknown"),
                           record.key_text or str(body.get("case_id") or "unknown"),
                           rejection_reason(invalid), clock())  # fmt: skip
        correlation = (record.header("ce_correlationid") or event_id)[:128]
        return [Outgoing(topics.feedback(provider), answer, correlation, event_id)]

    return reject


def _json(value: bytes | None) -> dict[str, object]:
    try:
        body = json.loads(value or b"")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}
