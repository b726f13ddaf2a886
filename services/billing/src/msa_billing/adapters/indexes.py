"""Billing's indexes. Every entry is in the ``_id``, the uninvoiced and the by-case index;
only held entries are in the two held indexes, only rejected ones in the rejected-by-date
index and only invoiced ones in the invoice-line index (partial indexes), so storing a new
accepted entry writes three index keys, not seven. Each query names the partial index's
condition, so the store may use it."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

HELD = {"status": "held"}
REJECTED = {"status": "rejected"}
INVOICED = {"invoice_number": {"$gt": ""}}  # strings only: a null number is not indexed
#: Full indexes of earlier versions that the partial ones replace.
REPLACED = ("status_1_case_id_1", "status_1_held_since_1", "invoice_number_1_invoice_line_1",
            "status_1_service_date_1")  # fmt: skip
INDEX_NOT_FOUND = 27


async def ensure_indexes(db: AsyncDatabase[dict[str, Any]]) -> None:
    entries = db["entries"]
    await _drop_replaced(entries)
    await entries.create_index(  # SecantusDB scans for a partial (status, case_id)
        [("case_id", ASCENDING), ("status", ASCENDING)],
        name="held_by_case", partialFilterExpression=HELD,
    )  # fmt: skip
    await entries.create_index(
        [("status", ASCENDING), ("held_since", ASCENDING)],
        name="held_since", partialFilterExpression=HELD,
    )  # fmt: skip
    await entries.create_index(
        [("status", ASCENDING), ("invoice_number", ASCENDING), ("service_month", ASCENDING)]
    )
    await entries.create_index(
        [("invoice_number", ASCENDING), ("invoice_line", ASCENDING)],
        name="invoice_lines", partialFilterExpression=INVOICED,
    )  # fmt: skip
    await db["invoices"].create_index([("provider_id", ASCENDING), ("period", ASCENDING)])
    # deletion periods: a case's entries and invoice lines, closed cases, old invoices
    await entries.create_index([("case_id", ASCENDING)], name="by_case")
    await entries.create_index(  # rejected entries go after their period (retention.py)
        [("status", ASCENDING), ("service_date", ASCENDING)],
        name="rejected_by_date", partialFilterExpression=REJECTED,
    )  # fmt: skip
    await db["invoices"].create_index([("lines.case_id", ASCENDING)])
    await db["invoices"].create_index([("issued_on", ASCENDING)])
    await db["cases"].create_index([("closed_on", ASCENDING)])
    await db["cases"].create_index([("person_ref", ASCENDING)])  # access requests


async def _drop_replaced(entries: AsyncCollection[dict[str, Any]]) -> None:
    present = await entries.index_information()
    for name in REPLACED:
        if name in present:
            try:
                await entries.drop_index(name)
            except OperationFailure as exc:  # another instance dropped it first
                if exc.code != INDEX_NOT_FOUND:
                    raise
