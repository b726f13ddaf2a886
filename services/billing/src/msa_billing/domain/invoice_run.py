"""The monthly invoice run: which months to invoice, and every provider's invoice for one.

Months are invoiced in order: a run for a month first invoices the earlier months that have
entries and were never run. A month that was run is never run again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from msa_billing.domain.entry import Entry
from msa_billing.domain.invoices import Issued, invoice_number, issue


def months_to_run(period: str, pending: Iterable[str], done: Iterable[str]) -> list[str]:
    """``period`` and the earlier months with uninvoiced entries, minus those already run."""
    finished = set(done)
    wanted = {m for m in pending if m <= period} | {period}
    return sorted(wanted - finished)


def invoiceable(entries: Iterable[Entry], period: str) -> list[Entry]:
    """Accepted entries not yet on an invoice, of ``period`` or before."""
    return [
        e for e in entries
        if e.status == "accepted" and e.invoice_number is None and e.service_month <= period
    ]  # fmt: skip


def invoice_month(
    period: str, issued_on: date, uninvoiced: Iterable[Entry],
    originals: Mapping[tuple[str, str], str], first_sequence: int,
) -> list[Issued]:  # fmt: skip
    """Every provider's invoice for ``period`` from its accepted, not yet invoiced entries of
    that month and before, numbered on from ``first_sequence`` in provider order. A provider
    without such entries gets no invoice and uses no number."""
    by_provider: dict[str, list[Entry]] = defaultdict(list)
    for entry in invoiceable(uninvoiced, period):
        by_provider[entry.provider_id].append(entry)
    issued = []
    for offset, provider in enumerate(sorted(by_provider)):
        number = invoice_number(issued_on.year, first_sequence + offset)
        mine = {month: n for (p, month), n in originals.items() if p == provider}
        issued.append(issue(provider, period, issued_on, number, by_provider[provider], mine))
    return issued
