"""Deletion periods in billing's database: anonymise a case's hours and invoice lines, delete
invoices past their statutory period, and the audit collection ``retention_audit``."""

from __future__ import annotations

from datetime import date

from pymongo import ReplaceOne

from msa_billing.adapters.documents import (
    case_from,
    entry_document,
    entry_from,
    invoice_document,
    invoice_from,
)
from msa_billing.adapters.mongo import Db, Session
from msa_billing.domain.entry import Entry
from msa_billing.domain.invoices import Invoice

AUDIT = "retention_audit"


class MongoRetention:
    def __init__(self, db: Db, session: Session) -> None:
        self._db, self._session = db, session

    async def closed_on_or_before(self, day: date) -> list[str]:
        query = {"closed_on": {"$ne": None, "$lte": day.isoformat()}}
        cursor = self._db["cases"].find(query, session=self._session)
        return sorted([case_from(d).case_id async for d in cursor])

    async def entries_of(self, case_id: str) -> list[Entry]:
        cursor = self._db["entries"].find({"case_id": case_id}, session=self._session)
        return [entry_from(d) async for d in cursor.sort("_id")]

    async def invoices_with(self, case_id: str) -> list[Invoice]:
        cursor = self._db["invoices"].find({"lines.case_id": case_id}, session=self._session)
        return [invoice_from(d) async for d in cursor.sort("_id")]

    async def issued_before(self, day: date) -> list[Invoice]:
        query = {"issued_on": {"$lt": day.isoformat()}}
        cursor = self._db["invoices"].find(query, session=self._session)
        return [invoice_from(d) async for d in cursor.sort("_id")]

    async def replace_entries(self, entries: list[Entry]) -> None:
        docs = [entry_document(e) for e in entries]
        if docs:
            ops = [ReplaceOne({"_id": d["_id"]}, d) for d in docs]
            await self._db["entries"].bulk_write(ops, ordered=True, session=self._session)

    async def delete_entries(self, entries: list[Entry]) -> None:
        if entries:
            keys = [e.key for e in entries]
            await self._db["entries"].delete_many({"_id": {"$in": keys}}, session=self._session)

    async def replace_invoice(self, invoice: Invoice) -> None:
        doc = invoice_document(invoice)
        await self._db["invoices"].replace_one({"_id": doc["_id"]}, doc, session=self._session)

    async def delete_invoice(self, number: str) -> None:
        await self._db["entries"].delete_many({"invoice_number": number}, session=self._session)
        await self._db["invoices"].delete_one({"_id": number}, session=self._session)

    async def delete_case(self, case_id: str) -> None:
        await self._db["cases"].delete_one({"_id": case_id}, session=self._session)

    async def delete_rejected_before(self, day: date) -> int:
        query = {"status": "rejected", "service_date": {"$lt": day.isoformat()}}
        done = await self._db["entries"].delete_many(query, session=self._session)
        return done.deleted_count

    async def audit(self, record: dict[str, object]) -> None:
        await self._db[AUDIT].insert_one(dict(record), session=self._session)
