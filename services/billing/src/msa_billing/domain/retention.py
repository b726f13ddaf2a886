"""Deletion periods of billing's records: hour entries and invoice lines lose their case and
worker after the hours' period, amounts stay until the invoice's statutory period ends.

- Hours (entries, and the case in invoice lines): ``hours_days`` after the case closed, or
  when casework deletes the case file, whichever comes first. The case id is replaced by a
  replacement id drawn once per case, the worker by a fixed token, the causes (record ids)
  are dropped; entries that billed nothing (rejected, or held when the case file went) are
  deleted. Minutes, rates and amounts stay.
- Rejected entries (an unknown case's among them, which no closure ever reaches): deleted
  ``hours_days`` after their service date; they bill nothing.
- Invoices: kept ten years from the end of the calendar year of issue (AO §147(3)/(4), HGB
  §257(4)/(5)), then deleted with their entries.

Pure: the day, the periods and the replacement are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from msa_contracts.events import HoursAnonymised

from msa_billing.domain.entry import Entry
from msa_billing.domain.invoices import Invoice

ANONYMISED_WORKER = "anonymised"


@dataclass(frozen=True)
class Periods:
    """How long billing keeps what: ``hours_days`` after the case closed, invoices for
    ``invoice_years`` after the end of their year of issue."""

    hours_days: int
    invoice_years: int = 10

    def __post_init__(self) -> None:
        if self.hours_days < 1 or self.invoice_years < 1:
            raise ValueError("deletion periods must be at least one day and one year")


def hours_due(closed_on: date | None, today: date, periods: Periods) -> bool:
    """The hours of a case closed on ``closed_on`` are anonymised from this day on."""
    return closed_on is not None and closed_on + timedelta(days=periods.hours_days) <= today


def latest_closing_due(today: date, periods: Periods) -> date:
    return today - timedelta(days=periods.hours_days)


def invoice_expires_on(issued_on: date, periods: Periods) -> date:
    """The first day on which an invoice issued on ``issued_on`` is deleted: the period
    starts at the end of the calendar year of issue."""
    return date(issued_on.year + periods.invoice_years + 1, 1, 1)


def earliest_issue_kept(today: date, periods: Periods) -> date:
    """Invoices issued before this day are due for deletion on ``today``."""
    return date(today.year - periods.invoice_years, 1, 1)


@dataclass(frozen=True)
class Anonymised:
    """What anonymising one case's hours changes, its notice and its audit record."""

    entries: list[Entry]
    dropped: list[Entry]
    invoices: list[Invoice]
    notice: HoursAnonymised
    audit: dict[str, object]


def anonymise(
    case_id: str, replacement: str, entries: list[Entry], invoices: list[Invoice], today: date
) -> Anonymised:
    """Replace ``case_id`` by ``replacement`` in the entries (worker and causes go too) and in
    the invoices' lines; entries that billed nothing are dropped."""
    kept = [e for e in entries if e.status == "accepted"]
    changed = [
        e.model_copy(update={"case_id": replacement, "worker_ref": ANONYMISED_WORKER,
                             "causes": []})
        for e in kept
    ]  # fmt: skip
    rewritten = [_without_case(i, case_id, replacement) for i in invoices]
    numbers = sorted({i.number for i in rewritten})
    notice = HoursAnonymised(
        case_id=case_id, replacement_case_id=replacement, anonymised_on=today,
        entries=len(changed), invoice_numbers=numbers,
    )  # fmt: skip
    audit = {
        "action": "hours-anonymised", "on": today.isoformat(), "replacement_case_id": replacement,
        "entries_anonymised": len(changed), "entries_deleted": len(entries) - len(kept),
        "invoices": numbers,
    }  # fmt: skip
    dropped = [e for e in entries if e.status != "accepted"]
    return Anonymised(changed, dropped, rewritten, notice, audit)


def _without_case(invoice: Invoice, case_id: str, replacement: str) -> Invoice:
    lines = [
        line.model_copy(update={"case_id": replacement}) if line.case_id == case_id else line
        for line in invoice.lines
    ]
    return invoice.model_copy(update={"lines": lines})


def invoice_deleted(invoice: Invoice, today: date) -> dict[str, object]:
    """The audit record of an invoice deleted at the end of its statutory period."""
    return {
        "action": "invoice-deleted", "on": today.isoformat(), "invoice_number": invoice.number,
        "provider_id": invoice.provider_id, "period": invoice.period,
        "issued_on": invoice.issued_on.isoformat(), "total_cents": invoice.total_cents,
    }  # fmt: skip


def rejected_deleted(count: int, today: date) -> dict[str, object]:
    """The audit record of the day's deleted rejected entries."""
    return {"action": "rejected-entries-deleted", "on": today.isoformat(), "entries": count}
