"""How billing's state is stored: JSON-mode documents keyed by id. Dates are ISO strings,
which sort and compare in date order; an entry also carries its service month."""

from __future__ import annotations

from typing import Any

from msa_billing.domain.case_view import CaseView
from msa_billing.domain.entry import Entry
from msa_billing.domain.invoices import Invoice

Document = dict[str, Any]
ENTRY_EXTRAS = ("_id", "service_month")


def case_document(case: CaseView) -> Document:
    return {"_id": case.case_id, **case.model_dump(mode="json")}


def case_from(doc: Document) -> CaseView:
    return CaseView.model_validate({k: v for k, v in doc.items() if k not in ("_id", "revision")})


def entry_document(entry: Entry) -> Document:
    return {"_id": entry.key, **entry.model_dump(mode="json"), "service_month": entry.service_month}


def entry_from(doc: Document) -> Entry:
    return Entry.model_validate({k: v for k, v in doc.items() if k not in ENTRY_EXTRAS})


def entry_key(provider_id: str, entry_id: str) -> str:
    return f"{provider_id}/{entry_id}"


def invoice_document(invoice: Invoice) -> Document:
    return {"_id": invoice.number, **invoice.model_dump(mode="json")}


def invoice_from(doc: Document) -> Invoice:
    return Invoice.model_validate({k: v for k, v in doc.items() if k != "_id"})


def received_order(doc: Document) -> tuple[str, str]:
    return (doc["received_at"], doc["_id"])


def line_order(doc: Document) -> tuple[int, str, str]:
    return (doc["invoice_line"] or 0, doc["service_date"], doc["entry_id"])
