"""MongoDB repositories: ``cases`` (billing's view), ``entries``, ``invoices``, ``runs``,
``counters`` and ``clock``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from msa_billing.adapters.documents import (
    Document,
    case_document,
    case_from,
    entry_document,
    entry_from,
    entry_key,
    invoice_document,
    invoice_from,
)
from msa_billing.domain.case_view import CaseView
from msa_billing.domain.entry import Entry
from msa_billing.domain.invoices import Invoice

Db = AsyncDatabase[Document]
Session = AsyncClientSession | None
RECEIVED = [("received_at", ASCENDING), ("_id", ASCENDING)]
BY_LINE = [("invoice_line", ASCENDING), ("service_date", ASCENDING), ("entry_id", ASCENDING)]
UNINVOICED = {"status": "accepted", "invoice_number": None}


class MongoCases:
    def __init__(self, db: Db, session: Session) -> None:
        self._coll, self._session = db["cases"], session

    async def get(self, case_id: str) -> CaseView | None:
        doc = await self._coll.find_one({"_id": case_id}, session=self._session)
        return case_from(doc) if doc else None

    async def save(self, case: CaseView) -> None:
        """Always a real write (the revision counts up), so that two transactions deciding on
        the same case conflict and one is retried, even when the view itself is unchanged."""
        doc = case_document(case)
        await self._coll.update_one(
            {"_id": doc.pop("_id")}, {"$set": doc, "$inc": {"revision": 1}}, upsert=True,
            session=self._session,
        )  # fmt: skip


class MongoEntries:
    def __init__(self, db: Db, session: Session) -> None:
        self._coll, self._session = db["entries"], session

    async def get(self, provider_id: str, entry_id: str) -> Entry | None:
        key = entry_key(provider_id, entry_id)
        doc = await self._coll.find_one({"_id": key}, session=self._session)
        return entry_from(doc) if doc else None

    async def save(self, entry: Entry) -> None:
        doc = entry_document(entry)
        await self._coll.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=self._session)

    async def held_for_case(self, case_id: str) -> list[Entry]:
        return await self._find({"status": "held", "case_id": case_id}, RECEIVED)

    async def held_since_before(self, day: date) -> list[Entry]:
        return await self._find({"status": "held", "held_since": {"$lte": day.isoformat()}},
                                RECEIVED)  # fmt: skip

    async def uninvoiced(self, until_month: str) -> list[Entry]:
        return await self._find({**UNINVOICED, "service_month": {"$lte": until_month}}, RECEIVED)

    async def uninvoiced_months(self) -> set[str]:
        cursor = self._coll.find(UNINVOICED, {"service_month": 1}, session=self._session)
        return {d["service_month"] async for d in cursor}

    async def of_invoice(self, number: str) -> list[Entry]:
        return await self._find({"invoice_number": number}, BY_LINE)

    async def _find(self, query: dict[str, Any], order: list[tuple[str, int]]) -> list[Entry]:
        cursor = self._coll.find(query, session=self._session).sort(order)
        return [entry_from(d) async for d in cursor]


class MongoInvoices:
    def __init__(self, db: Db, session: Session) -> None:
        self._coll, self._session = db["invoices"], session

    async def get(self, number: str) -> Invoice | None:
        doc = await self._coll.find_one({"_id": number}, session=self._session)
        return invoice_from(doc) if doc else None

    async def save(self, invoice: Invoice) -> None:
        await self._coll.insert_one(invoice_document(invoice), session=self._session)

    async def find(self, provider_id: str | None, period: str | None) -> list[Invoice]:
        query = {k: v for k, v in (("provider_id", provider_id), ("period", period)) if v}
        cursor = self._coll.find(query, session=self._session).sort([("_id", ASCENDING)])
        return [invoice_from(d) async for d in cursor]

    async def numbers(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        wanted = set(keys)
        if not wanted:
            return {}
        query = {"$or": [{"provider_id": p, "period": m} for p, m in sorted(wanted)]}
        cursor = self._coll.find(query, {"provider_id": 1, "period": 1}, session=self._session)
        return {(d["provider_id"], d["period"]): d["_id"] async for d in cursor}


class MongoRuns:
    def __init__(self, db: Db, session: Session) -> None:
        self._coll, self._session = db["runs"], session

    async def done(self) -> set[str]:
        return {d["_id"] async for d in self._coll.find({}, {"_id": 1}, session=self._session)}

    async def record(self, period: str, on: date, numbers: list[str]) -> None:
        doc = {"_id": period, "on": on.isoformat(), "numbers": numbers}
        await self._coll.insert_one(doc, session=self._session)


class MongoCounters:
    def __init__(self, db: Db, session: Session) -> None:
        self._coll, self._session = db["counters"], session

    async def reserve(self, name: str, count: int) -> int:
        doc = await self._coll.find_one_and_update(
            {"_id": name}, {"$inc": {"last": count}}, upsert=True,
            return_document=ReturnDocument.AFTER, session=self._session,
        )  # fmt: skip
        assert doc is not None, "an upsert returns the document"
        return int(doc["last"]) - count + 1
