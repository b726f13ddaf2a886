"""The monthly invoice run, by clock or by command: months in order, each once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from msa_billing.domain.facts import Fact
from msa_billing.domain.invoice_run import invoice_month, invoiceable, months_to_run
from msa_billing.ports import Unit


@dataclass(frozen=True)
class RunResult:
    """The invoices issued for ``period`` (now or by an earlier run), and whether it was
    run before."""

    period: str
    already_run: bool
    numbers: list[str]


async def run_invoices(unit: Unit, period: str, issued_on: date) -> tuple[RunResult, list[Fact]]:
    """Invoice ``period`` and, before it, earlier months never run that have entries. A
    period that was run before changes nothing."""
    done = await unit.runs.done()
    facts: list[Fact] = []
    if period not in done:
        for month in months_to_run(period, await unit.entries.uninvoiced_months(), done):
            facts += await _run_month(unit, month, issued_on)
    issued = [i.number for i in await unit.invoices.find(None, period)]
    return RunResult(period, period in done, issued), facts


async def _run_month(unit: Unit, month: str, issued_on: date) -> list[Fact]:
    entries = invoiceable(await unit.entries.uninvoiced(month), month)
    corrected = {(e.provider_id, e.service_month) for e in entries if e.service_month < month}
    originals = await unit.invoices.numbers(corrected)
    providers = {e.provider_id for e in entries}
    first = await unit.counters.reserve(f"RE-{issued_on.year}", len(providers)) if providers else 1
    issued = invoice_month(month, issued_on, entries, originals, first)
    facts: list[Fact] = []
    for invoice in issued:
        await unit.invoices.save(invoice.invoice)
        for entry in invoice.entries:
            await unit.entries.save(entry)
        facts += invoice.facts
    await unit.runs.record(month, issued_on, [i.invoice.number for i in issued])
    return facts
