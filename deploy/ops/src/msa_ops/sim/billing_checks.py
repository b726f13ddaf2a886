"""Billing reconciled with the simulator's ground truth: each hour entry answered once as
expected, invoice totals per provider to the cent, each accepted entry on one invoice line.

Each check returns what differs (empty when all is well), so tests assert on it and the
fault-injection harness counts it."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import httpx
from msa_contracts.events import HoursAccepted, HoursRejected, InvoiceIssued
from msa_contracts.topics import LEDGER

from msa_ops.sim.truth import Observed, Truth

Wrong = dict[str, tuple[str, str, str, list[str]]]


def issued_invoices(observed: Observed) -> list[InvoiceIssued]:
    """Invoices seen on the ledger, once per event id (relay duplicates dropped)."""
    found = {env.id: env.event for t, env in observed.envelopes
             if t == LEDGER and isinstance(env.event, InvoiceIssued)}  # fmt: skip
    return list(found.values())


def wrong_hour_answers(truth: Truth, observed: Observed, last_day: date) -> Wrong:
    """Hour records whose answers differ from the expected single answer (missing, wrong,
    or more than one distinct answer), per record ce_id: (provider, entry, want, got)."""
    answers = observed.hour_answers()
    wrong: Wrong = {}
    for ce_id, x in truth.hours.entries.items():
        if not x.answered or (x.answer_by is not None and x.answer_by > last_day):
            continue
        got = answers.get(ce_id, [])
        outcome = [a.reason.code if isinstance(a, HoursRejected) else "accepted" for a in got]
        billed = [(a.minutes_billable, a.amount_cents) for a in got
                  if isinstance(a, HoursAccepted)]  # fmt: skip
        expected = [(x.minutes_billable, x.amount_cents)] if x.outcome == "accepted" else []
        if outcome != [x.outcome] or billed != expected:
            wrong[ce_id] = (x.provider, x.event.entry_id, x.outcome, outcome)
    return wrong


def invoice_totals(truth: Truth, issued: list[InvoiceIssued]) -> tuple[dict[str, int], ...]:
    """(invoiced, expected) cents per provider."""
    got: dict[str, int] = defaultdict(int)
    for invoice in issued:
        got[invoice.provider_id] += invoice.total_cents
    expected: dict[str, int] = defaultdict(int)
    for (provider, _period), cents in truth.hours.invoices.items():
        expected[provider] += cents
    return dict(got), dict(expected)


def expected_on_lines(truth: Truth) -> Counter[tuple[str, str]]:
    """(provider, entry id) of every accepted entry the simulator expects on an invoice."""
    return Counter((x.provider, x.event.entry_id) for x in truth.hours.accepted()
                   if x.invoice_period)  # fmt: skip


async def entries_on_lines(
    billing_url: str, token: str, issued: list[InvoiceIssued]
) -> Counter[tuple[str, str]]:
    """How often each (provider, entry id) appears on the issued invoices' lines, as
    billing's proof-of-service API lists them."""
    on_lines: Counter[tuple[str, str]] = Counter()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=billing_url, headers=headers, timeout=30) as http:
        for invoice in issued:
            for number, _line in enumerate(invoice.lines, start=1):
                answer = await http.get(
                    f"/invoices/{invoice.invoice_number}/lines/{number}/entries"
                )
                answer.raise_for_status()
                on_lines.update((e["provider_id"], e["entry_id"]) for e in answer.json()["items"])
    return on_lines
