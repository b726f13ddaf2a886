"""In-memory repositories with the Mongo ones' behaviour (tests, no I/O). State is kept as
the same documents the Mongo adapter writes, so serialisation is exercised too. The session
is ignored: there is no rollback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from msa_kit.day_store import MemoryDays

from msa_billing.adapters.documents import (
    Document,
    case_document,
    case_from,
    entry_document,
    entry_from,
    entry_key,
    invoice_document,
    invoice_from,
    line_order,
    received_order,
)
from msa_billing.domain.case_view import CaseView
from msa_billing.domain.entry import Entry
from msa_billing.domain.invoices import Invoice
from msa_billing.ports import BufferedUnit, Unit


@dataclass
class MemoryData:
    cases: dict[str, Document] = field(default_factory=dict)
    entries: dict[str, Document] = field(default_factory=dict)
    invoices: dict[str, Document] = field(default_factory=dict)
    runs: dict[str, Document] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    days: MemoryDays = field(default_factory=MemoryDays)
    audit: list[dict[str, object]] = field(default_factory=list)


class MemoryCases:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def get(self, case_id: str) -> CaseView | None:
        doc = self._data.cases.get(case_id)
        return case_from(doc) if doc else None

    async def save(self, case: CaseView) -> None:
        self._data.cases[case.case_id] = case_document(case)


class MemoryEntries:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def get(self, provider_id: str, entry_id: str) -> Entry | None:
        doc = self._data.entries.get(entry_key(provider_id, entry_id))
        return entry_from(doc) if doc else None

    async def save(self, entry: Entry) -> None:
        self._data.entries[entry.key] = entry_document(entry)

    async def held_for_case(self, case_id: str) -> list[Entry]:
        return self._where(lambda d: d["status"] == "held" and d["case_id"] == case_id)

    async def held_since_before(self, day: date) -> list[Entry]:
        iso = day.isoformat()
        return self._where(lambda d: d["status"] == "held" and d["held_since"] <= iso)

    async def uninvoiced(self, until_month: str) -> list[Entry]:
        return self._where(lambda d: _uninvoiced(d) and d["service_month"] <= until_month)

    async def uninvoiced_months(self) -> set[str]:
        return {d["service_month"] for d in self._data.entries.values() if _uninvoiced(d)}

    async def of_invoice(self, number: str) -> list[Entry]:
        docs = [d for d in self._data.entries.values() if d["invoice_number"] == number]
        return [entry_from(d) for d in sorted(docs, key=line_order)]

    def _where(self, keep: Any) -> list[Entry]:
        docs = [d for d in self._data.entries.values() if keep(d)]
        return [entry_from(d) for d in sorted(docs, key=received_order)]


def _uninvoiced(doc: Document) -> bool:
    return bool(doc["status"] == "accepted" and doc["invoice_number"] is None)


class MemoryInvoices:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def get(self, number: str) -> Invoice | None:
        doc = self._data.invoices.get(number)
        return invoice_from(doc) if doc else None

    async def save(self, invoice: Invoice) -> None:
        if invoice.number in self._data.invoices:
            raise KeyError(f"invoice {invoice.number} exists; issued invoices never change")
        self._data.invoices[invoice.number] = invoice_document(invoice)

    async def find(self, provider_id: str | None, period: str | None) -> list[Invoice]:
        docs = sorted(self._data.invoices.values(), key=lambda d: str(d["_id"]))
        return [
            invoice_from(d) for d in docs
            if provider_id in (None, d["provider_id"]) and period in (None, d["period"])
        ]  # fmt: skip

    async def numbers(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        wanted = set(keys)
        return {
            (d["provider_id"], d["period"]): d["_id"] for d in self._data.invoices.values()
            if (d["provider_id"], d["period"]) in wanted
        }  # fmt: skip


class MemoryRuns:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def done(self) -> set[str]:
        return set(self._data.runs)

    async def record(self, period: str, on: date, numbers: list[str]) -> None:
        self._data.runs[period] = {"_id": period, "on": on.isoformat(), "numbers": numbers}


class MemoryCounters:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def reserve(self, name: str, count: int) -> int:
        last = self._data.counters.get(name, 0) + count
        self._data.counters[name] = last
        return last - count + 1


class MemoryRetention:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def closed_on_or_before(self, day: date) -> list[str]:
        iso = day.isoformat()
        return sorted(k for k, d in self._data.cases.items() if (d["closed_on"] or "~") <= iso)

    async def entries_of(self, case_id: str) -> list[Entry]:
        docs = sorted(self._data.entries.items())
        return [entry_from(d) for _, d in docs if d["case_id"] == case_id]

    async def invoices_with(self, case_id: str) -> list[Invoice]:
        docs = sorted(self._data.invoices.items())
        return [invoice_from(d) for _, d in docs if any(
            line["case_id"] == case_id for line in d["lines"])]  # fmt: skip

    async def issued_before(self, day: date) -> list[Invoice]:
        docs = sorted(self._data.invoices.items())
        return [invoice_from(d) for _, d in docs if d["issued_on"] < day.isoformat()]

    async def replace_entries(self, entries: list[Entry]) -> None:
        for entry in entries:
            self._data.entries[entry.key] = entry_document(entry)

    async def delete_entries(self, entries: list[Entry]) -> None:
        for entry in entries:
            self._data.entries.pop(entry.key, None)

    async def replace_invoice(self, invoice: Invoice) -> None:
        self._data.invoices[invoice.number] = invoice_document(invoice)

    async def delete_invoice(self, number: str) -> None:
        self._data.invoices.pop(number, None)
        for key in [k for k, d in self._data.entries.items() if d["invoice_number"] == number]:
            del self._data.entries[key]

    async def delete_case(self, case_id: str) -> None:
        self._data.cases.pop(case_id, None)

    async def delete_rejected_before(self, day: date) -> int:
        gone = [
            k
            for k, d in self._data.entries.items()
            if d["status"] == "rejected" and d["service_date"] < day.isoformat()
        ]
        for key in gone:
            del self._data.entries[key]
        return len(gone)

    async def audit(self, record: dict[str, object]) -> None:
        self._data.audit.append(dict(record))


class MemoryStore:
    def __init__(self, data: MemoryData | None = None) -> None:
        self.data = data or MemoryData()

    def unit(self, session: Any) -> Unit:
        d = self.data
        return Unit(MemoryCases(d), MemoryEntries(d), MemoryInvoices(d), MemoryRuns(d),
                    MemoryCounters(d), d.days)  # fmt: skip

    def retention(self, session: Any) -> MemoryRetention:
        return MemoryRetention(self.data)

    def buffered_unit(self, session: Any) -> BufferedUnit:
        """Nothing to buffer: the memory repositories write at once."""
        return BufferedUnit(self.unit(session), _nothing, _nothing)

    async def ensure_indexes(self) -> None:
        return None


async def _nothing(*_args: Any) -> None:
    return None
