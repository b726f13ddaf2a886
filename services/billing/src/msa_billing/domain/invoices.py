"""Monthly invoices: one per provider and month, lines per case, module, approval, service
month and rate, gapless numbers ``RE-<year>-<6 digits>``.

An entry accepted after its month was invoiced goes onto the provider's next invoice as a
correction line (``correction: true``, its own service month); an ``InvoiceCorrected``
notice then refers to the invoice it corrects. An issued invoice is never changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from msa_contracts.events import InvoiceCorrected, InvoiceIssued, InvoiceLine
from msa_contracts.values import Module
from pydantic import BaseModel, Field

from msa_billing.domain.entry import Entry
from msa_billing.domain.facts import Fact


def invoice_number(year: int, sequence: int) -> str:
    return f"RE-{year:04d}-{sequence:06d}"


class Line(BaseModel):
    """One invoice line; ``number`` counts from 1 within the invoice."""

    number: int = Field(ge=1)
    case_id: str
    module: Module
    approval_id: str | None
    service_month: str
    entries: int = Field(ge=1)
    minutes_billable: int = Field(ge=0)
    rate_cents_per_hour: int
    amount_cents: int = Field(ge=0)
    correction: bool

    def contract(self) -> InvoiceLine:
        return InvoiceLine.model_validate_json(self.model_dump_json(exclude={"number"}))


class Correction(BaseModel):
    """Lines of this invoice that correct an earlier invoice of the provider."""

    corrects_invoice_number: str
    corrected_period: str
    lines: list[int]
    total_cents: int


class Invoice(BaseModel):
    number: str
    provider_id: str
    period: str
    issued_on: date
    lines: list[Line]
    total_cents: int
    corrections: list[Correction] = Field(default_factory=list)


@dataclass(frozen=True)
class Issued:
    """An invoice, the entries it bills (marked with their line) and its events."""

    invoice: Invoice
    entries: list[Entry]
    facts: list[Fact]


def _line_key(entry: Entry, period: str) -> tuple[bool, str, str, str, str, int]:
    b = entry.billed
    assert b is not None, "only accepted entries are invoiced"
    return (entry.service_month < period, entry.service_month, entry.case_id, b.module.value,
            b.approval_id or "", b.rate_cents_per_hour)  # fmt: skip


def draft_lines(entries: Iterable[Entry], period: str) -> list[tuple[Line, list[Entry]]]:
    """Group entries into lines: regular lines first, then corrections, each by month and
    case. A line's amount is the sum of its entries' amounts (each rounded once)."""
    groups: dict[tuple[bool, str, str, str, str, int], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[_line_key(entry, period)].append(entry)
    drafted = []
    for number, key in enumerate(sorted(groups), start=1):
        members = sorted(groups[key], key=lambda e: (e.service_date, e.entry_id))
        correction, month, case_id, module, approval_id, rate = key
        line = Line(
            number=number, case_id=case_id, module=Module(module),
            approval_id=approval_id or None, service_month=month, entries=len(members),
            minutes_billable=sum(e.billed.minutes_billable for e in members if e.billed),
            rate_cents_per_hour=rate,
            amount_cents=sum(e.billed.amount_cents for e in members if e.billed),
            correction=correction,
        )  # fmt: skip
        drafted.append((line, members))
    return drafted


def issue(
    provider_id: str, period: str, issued_on: date, number: str, entries: Sequence[Entry],
    originals: Mapping[str, str],
) -> Issued:  # fmt: skip
    """The provider's invoice for ``period``; ``originals`` maps an earlier month to the
    provider's invoice for it, which correction lines of that month refer to."""
    drafted = draft_lines(entries, period)
    for line, members in drafted:
        for entry in members:
            entry.invoice_number, entry.invoice_line = number, line.number
    lines = [line for line, _ in drafted]
    corrections = [
        Correction(corrects_invoice_number=originals[month], corrected_period=month,
                   lines=[x.number for x in group], total_cents=sum(x.amount_cents for x in group))
        for month, group in _corrections_by_month(lines).items() if month in originals
    ]  # fmt: skip
    invoice = Invoice(
        number=number, provider_id=provider_id, period=period, issued_on=issued_on,
        lines=lines, total_cents=sum(x.amount_cents for x in lines), corrections=corrections,
    )  # fmt: skip
    return Issued(invoice, [e for _, members in drafted for e in members], invoice_facts(invoice))


def _corrections_by_month(lines: list[Line]) -> dict[str, list[Line]]:
    months: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        if line.correction:
            months[line.service_month].append(line)
    return dict(sorted(months.items()))


def invoice_facts(invoice: Invoice) -> list[Fact]:
    issued = InvoiceIssued(
        invoice_number=invoice.number, provider_id=invoice.provider_id, period=invoice.period,
        issued_on=invoice.issued_on, lines=[x.contract() for x in invoice.lines],
        total_cents=invoice.total_cents,
    )  # fmt: skip
    facts = [Fact(issued, invoice.provider_id, ledger=True)]
    by_number = {x.number: x for x in invoice.lines}
    for c in invoice.corrections:
        corrected = InvoiceCorrected(
            invoice_number=invoice.number, corrects_invoice_number=c.corrects_invoice_number,
            provider_id=invoice.provider_id, corrected_period=c.corrected_period,
            lines=[by_number[n].contract() for n in c.lines], total_cents=c.total_cents,
        )  # fmt: skip
        facts.append(Fact(corrected, invoice.provider_id, ledger=True))
    return facts
