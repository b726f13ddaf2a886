"""Kafka subscriptions: every input topic, in reporting's consumer group, one subscriber each.

Delivery semantics come from the kit: offsets are committed only after a record was
handled (``AckPolicy.NACK_ON_ERROR``), duplicates are dropped by the inbox, invalid records
go to reporting's dead-letter topic. Each topic admits the event types the catalogue lists.
"""

from __future__ import annotations

from collections.abc import Mapping

from msa_contracts.topics import catalogue
from msa_kit.consumers import Consumer
from msa_kit.processing import Handler, Subscription


def consumers(input_topics: Mapping[str, str], handler: Handler) -> list[Consumer]:
    """One consumer per input topic (catalogue name → the topic actually consumed)."""
    known = catalogue(providers=())
    return [
        Consumer(_title(name), (actual,), Subscription(handler, set(known.topic(name).event_types)))
        for name, actual in input_topics.items()
    ]


def _title(name: str) -> str:
    return f"reporting-{name.removeprefix('msa.').replace('.', '-')}"
