"""Billing's part of an access request: its view of the person's cases, their hour entries,
the lines of invoices that bill them and the answers about them its outbox still keeps.
Other persons' data stays out: an invoice appears with its own number, provider, period and
date and only the lines of the person's cases (its total, a sum over every case, does not)."""

from __future__ import annotations

from typing import Any

from msa_contracts.events import AccessRequested
from msa_kit.access_requests import sent_about
from msa_kit.processing import Context

from msa_billing.adapters.mongo import Db

INVOICE_HEADER = ("_id", "number", "provider_id", "period", "issued_on")


class MongoAccess:
    """``msa_kit.access_requests.Collect`` over billing's database."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def __call__(self, ctx: Context, request: AccessRequested) -> dict[str, Any]:
        session = ctx.session
        query = {"person_ref": request.person_ref}
        cases = [d async for d in self._db["cases"].find(query, session=session).sort("_id", 1)]
        ids = [c["_id"] for c in cases]
        entries = self._db["entries"].find({"case_id": {"$in": ids}}, session=session)
        billed = self._db["invoices"].find({"lines.case_id": {"$in": ids}}, session=session)
        return {
            "cases": cases,
            "entries": [d async for d in entries.sort([("service_date", 1), ("_id", 1)])],
            "invoices": [_own_lines(d, set(ids)) async for d in billed.sort("_id", 1)],
            "answers": await sent_about(self._db, session, ids),
        }


def _own_lines(invoice: dict[str, Any], case_ids: set[str]) -> dict[str, Any]:
    lines = [line for line in invoice.get("lines", []) if line.get("case_id") in case_ids]
    numbers = {line.get("number") for line in lines}
    corrections = [
        {"corrects_invoice_number": c["corrects_invoice_number"],
         "corrected_period": c["corrected_period"],
         "lines": [n for n in c.get("lines", []) if n in numbers]}
        for c in invoice.get("corrections", []) if numbers & set(c.get("lines", []))
    ]  # fmt: skip
    header = {k: invoice[k] for k in INVOICE_HEADER if k in invoice}
    return {**header, "lines": lines, "corrections": corrections}
