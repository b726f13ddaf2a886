"""Subscriptions: every input topic, in reporting's consumer group, one subscriber each.

Delivery semantics come from the kit: offsets are committed only after a record was
handled (``AckPolicy.NACK_ON_ERROR``), duplicates are dropped by the inbox, invalid records
go to ``msa.reporting.dead-letter``. Each topic admits the event types the catalogue lists.
"""

from __future__ import annotations

from msa_contracts.topics import catalogue
from msa_kit.processing import Handler, Subscription
from msa_kit.runtime import ServiceRuntime

from msa_reporting.settings import ReportingSettings


def subscribe_inputs(
    runtime: ServiceRuntime, settings: ReportingSettings, handler: Handler
) -> None:
    topics = catalogue(providers=())
    for name, actual in settings.input_topics.items():
        allowed = set(topics.topic(name).event_types)
        title = f"reporting-{name.removeprefix('msa.').replace('.', '-')}"
        runtime.subscribe([actual], Subscription(handler, allowed_types=allowed), title=title)
