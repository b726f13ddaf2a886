"""Drive reporting's real ``build()`` without a broker or database: records go through its
own subscriptions (allowed types, handler) into the memory store, and what a refresh would
publish is collected by the kit's memory commit."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from msa_contracts.envelope import decode
from msa_contracts.events import Event
from msa_contracts.reference import ReferenceData
from msa_kit.commit import MemoryCommit
from msa_kit.processing import Context
from msa_kit.records import RawRecord
from msa_reporting.adapters.memory import MemoryStore
from msa_reporting.bootstrap import Reporting, build
from msa_reporting.ports import Store
from msa_reporting.settings import ReportingSettings
from pymongo.asynchronous.client_session import AsyncClientSession

from tests.reporting.builders import NOW, record, topic_of


class Harness:
    def __init__(self, reporting: Reporting, store: Any, commit: MemoryCommit) -> None:
        self.reporting, self.store, self.commit = reporting, store, commit
        self._offsets = itertools.count()

    async def send(self, *events: Event) -> None:
        """Deliver each event on its input topic, as the kit would after decoding it."""
        for event in events:
            topic = topic_of(event)
            sub = next(c.subscription for c in self.reporting.consumers if topic in c.topics)
            rec = record(event)
            raw = RawRecord(topic, 0, next(self._offsets), rec.key, rec.value, rec.headers)
            envelope = decode(rec.headers, rec.value, allowed_types=sub.allowed_types)
            session = cast(AsyncClientSession, None)
            await sub.handler(Context(envelope, raw, session, NOW, None))


@asynccontextmanager
async def harness(reference: ReferenceData, store: Store | None = None) -> AsyncIterator[Harness]:
    store, commit = store or MemoryStore(), MemoryCommit(lambda: NOW)
    reporting = build(ReportingSettings(), reference=reference, store=store, commit=commit)
    try:
        yield Harness(reporting, store, commit)
    finally:
        await reporting.runtime.producer.stop()
        await reporting.runtime.client.close()
