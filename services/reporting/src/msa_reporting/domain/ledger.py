"""Folding billing's ledger: accepted hours and invoice lines."""

from __future__ import annotations

from datetime import date

from msa_contracts import events as ev

from msa_reporting.domain.world import Occurrence, World


def entry_key(e: ev.HoursAccepted) -> str:
    """An hour entry counts once per provider and entry id (entry ids are per provider)."""
    return f"{e.provider_id}/{e.entry_id}"


def hours(w: World, e: ev.HoursAccepted) -> None:
    if w.hours.first(entry_key(e)):
        kind = (e.provider_id, e.domain.value, e.activity)
        w.hours.add(e.case_id, e.service_date, kind, e.minutes_billable)


def invoice(w: World, e: ev.InvoiceIssued | ev.InvoiceCorrected) -> None:
    """Lines by content: a correction line repeated in ``InvoiceCorrected`` counts once."""
    for line in e.lines:
        year, month = (int(p) for p in line.service_month.split("-"))
        key = "/".join((
            e.invoice_number, line.case_id, line.module.value, line.approval_id or "",
            line.service_month, str(line.rate_cents_per_hour), str(line.correction),
        ))  # fmt: skip
        amount = Occurrence(date(year, month, 1), line.case_id, value=line.amount_cents,
                            provider=e.provider_id)  # fmt: skip
        w.once("amount_invoiced", key, amount)
