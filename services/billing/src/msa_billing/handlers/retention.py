"""Deletion periods: a case's hours are anonymised when their period ends (on the day's tick)
or when casework deletes the case file; invoices go at the end of their statutory period.
Each is audited and announced; a repeated tick or notice finds nothing left to change."""

from __future__ import annotations

from datetime import date

from msa_contracts.events import CaseFileExpired
from msa_kit.logging import get_logger
from msa_kit.processing import Context

from msa_billing.domain.facts import Fact
from msa_billing.domain.retention import (
    anonymise,
    earliest_issue_kept,
    invoice_deleted,
    latest_closing_due,
    rejected_deleted,
)
from msa_billing.handlers.deps import Deps
from msa_billing.ports import RetentionRecords

log = get_logger("msa_billing.retention")


async def case_file_expired(deps: Deps, ctx: Context) -> None:
    notice = ctx.expect(CaseFileExpired)
    await deps.work(ctx).flush()
    records = deps.store.retention(ctx.session)
    facts = await anonymise_case(records, notice.case_id, notice.replacement_case_id,
                                 notice.expired_on)  # fmt: skip
    deps.publish(ctx, facts)


async def apply_periods(deps: Deps, ctx: Context, today: date) -> list[Fact]:
    """The day's anonymisations and deletions, after what the unit of work buffered."""
    await deps.work(ctx).flush()
    records = deps.store.retention(ctx.session)
    facts: list[Fact] = []
    for case_id in await records.closed_on_or_before(latest_closing_due(today, deps.periods)):
        facts += await anonymise_case(records, case_id, deps.replacement(), today)
    cutoff = latest_closing_due(today, deps.periods)
    if rejected := await records.delete_rejected_before(cutoff):
        await records.audit(rejected_deleted(rejected, today))
    for invoice in await records.issued_before(earliest_issue_kept(today, deps.periods)):
        await records.delete_invoice(invoice.number)
        await records.audit(invoice_deleted(invoice, today))
        log.info("invoice deleted: statutory period ended", invoice_number=invoice.number)
    return facts


async def anonymise_case(
    records: RetentionRecords, case_id: str, replacement: str, today: date
) -> list[Fact]:
    """Anonymise one case's hours and lines and forget billing's view of the case."""
    entries, invoices = await records.entries_of(case_id), await records.invoices_with(case_id)
    await records.delete_case(case_id)
    if not entries and not invoices:
        return []
    done = anonymise(case_id, replacement, entries, invoices, today)
    await records.replace_entries(done.entries)
    await records.delete_entries(done.dropped)
    for invoice in done.invoices:
        await records.replace_invoice(invoice)
    await records.audit(done.audit)
    providers = sorted({e.provider_id for e in entries})
    log.info("hours anonymised", entries=len(done.entries), providers=len(providers))
    if not providers:
        return [Fact(done.notice, None, ledger=True)]
    return [Fact(done.notice, p, ledger=i == 0) for i, p in enumerate(providers)]
