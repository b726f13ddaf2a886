"""Deletion periods in billing on both backends: after a case's hours' period no collection
names the case or its workers, invoice amounts stay; an invoice goes after its own period."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any, cast

import pytest
from msa_billing.adapters.commands import MemoryCommands
from msa_billing.adapters.memory import MemoryStore
from msa_billing.adapters.store import MongoStore
from msa_billing.bootstrap import build
from msa_billing.settings import BillingSettings
from msa_contracts.envelope import decode
from msa_contracts.events import Event
from msa_contracts.reference import ReferenceData
from msa_kit.outbox import Outgoing
from msa_kit.processing import Context
from msa_kit.records import RawRecord
from pymongo.asynchronous.client_session import AsyncClientSession

from tests.billing.builders import assigned, closed, logged, new_case_id, opened, tick
from tests.billing.harness import NOW, TOPICS, record_of
from tests.store_backends import BACKENDS, Dump, store_on_backend

START = date(2026, 3, 2)


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Any, Dump]]:
    async for pair in store_on_backend(request, MemoryStore, MongoStore, "billing_retention"):
        yield pair


class Driver:
    """Records through billing's own subscriptions, the transaction's hooks run as the kit's
    processor runs them (the Mongo unit of work writes what it buffered there)."""

    def __init__(self, store: Any, reference: ReferenceData, **settings: Any) -> None:
        self.billing = build(BillingSettings(**settings), reference=reference, store=store,
                             commands=MemoryCommands(store, TOPICS), clock=lambda: NOW)  # fmt: skip
        self._offset = 0

    async def send(self, topic: str, event: Event) -> list[Outgoing]:
        sub = next(c.subscription for c in self.billing.consumers if topic in c.topics)
        rec = record_of(event)
        self._offset += 1
        raw = RawRecord(topic, 0, self._offset, rec.key, rec.value, rec.headers)
        envelope = decode(rec.headers, rec.value, allowed_types=sub.allowed_types)
        ctx = Context(envelope, raw, cast(AsyncClientSession, None), NOW,
                      sub.provider_of(topic))  # fmt: skip
        await sub.handler(ctx)
        await ctx.scope.flush()
        return ctx.emitted

    async def stop(self) -> None:
        await self.billing.runtime.producer.stop()
        await self.billing.runtime.client.close()


async def test_hours_lose_case_and_worker_and_invoices_go_after_their_period(
    backend: tuple[Any, Dump], reference: ReferenceData
) -> None:
    store, dump = backend
    bill = Driver(store, reference, hours_retention_days=20, invoice_retention_years=1)
    try:
        case_id = new_case_id()
        await bill.send(TOPICS.clock, tick(date(2026, 3, 31)))
        await bill.send(TOPICS.cases, opened(case_id, START))
        await bill.send(TOPICS.cases, assigned(case_id, "caritas", START))
        hours = TOPICS.hours("caritas")
        await bill.send(hours, logged(case_id, date(2026, 3, 3), 60, worker="w-retention-1"))
        await bill.send(TOPICS.clock, tick(date(2026, 4, 1)))
        await bill.send(TOPICS.cases, closed(case_id, date(2026, 4, 10)))
        before = await dump()
        assert case_id in before and "w-retention-1" in before

        emitted = await bill.send(TOPICS.clock, tick(date(2026, 4, 30)))

        assert [type(o.event).__name__ for o in emitted if o.topic == TOPICS.ledger] == [
            "HoursAnonymised"
        ]
        after = await dump()
        assert case_id not in after and "w-retention-1" not in after
        assert '"total_cents": 6800' in after or "'total_cents': 6800" in after
        assert await bill.send(TOPICS.clock, tick(date(2026, 5, 1))) is not None
        assert (await dump()).count("hours-anonymised") == 1

        await bill.send(TOPICS.clock, tick(date(2028, 1, 1)))
        final = await dump()
        assert "RE-2026-000001" in final  # the audit record of its deletion names it
        assert "invoice-deleted" in final and '"lines"' not in final and "'lines'" not in final
    finally:
        await bill.stop()
