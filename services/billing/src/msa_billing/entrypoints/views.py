"""What the HTTP API returns: invoices, the entries behind a line, budget status, runs."""

from __future__ import annotations

from datetime import date

from msa_contracts.events.billing import Month
from msa_contracts.values import GoalDomain, Module
from pydantic import BaseModel, Field

from msa_billing.domain.budgets import percent_used
from msa_billing.domain.case_view import Approval, CaseView
from msa_billing.domain.entry import Entry
from msa_billing.domain.invoices import Correction, Invoice, Line


class InvoiceSummary(BaseModel):
    invoice_number: str
    provider_id: str
    period: str
    issued_on: date
    lines: int
    total_cents: int

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceSummary:
        return cls(invoice_number=invoice.number, provider_id=invoice.provider_id,
                   period=invoice.period, issued_on=invoice.issued_on,
                   lines=len(invoice.lines), total_cents=invoice.total_cents)  # fmt: skip


class InvoiceList(BaseModel):
    items: list[InvoiceSummary]


class InvoiceDetail(BaseModel):
    """An issued invoice; correction lines bill late entries of earlier months."""

    invoice_number: str
    provider_id: str
    period: str
    issued_on: date
    lines: list[Line]
    total_cents: int
    corrections: list[Correction]

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceDetail:
        return cls(invoice_number=invoice.number, provider_id=invoice.provider_id,
                   period=invoice.period, issued_on=invoice.issued_on, lines=invoice.lines,
                   total_cents=invoice.total_cents, corrections=invoice.corrections)  # fmt: skip


class EntryView(BaseModel):
    entry_id: str
    provider_id: str
    case_id: str
    service_date: date
    minutes_logged: int
    activity: str
    domain: GoalDomain
    worker_ref: str
    module: Module
    approval_id: str | None
    minutes_billable: int
    rate_cents_per_hour: int
    amount_cents: int
    invoice_number: str | None
    line: int | None

    @classmethod
    def of(cls, entry: Entry) -> EntryView:
        billed = entry.billed
        assert billed is not None, "only accepted entries are shown"
        return cls(
            entry_id=entry.entry_id, provider_id=entry.provider_id, case_id=entry.case_id,
            service_date=entry.service_date, minutes_logged=entry.minutes,
            activity=entry.activity, domain=entry.domain, worker_ref=entry.worker_ref,
            module=billed.module, approval_id=billed.approval_id,
            minutes_billable=billed.minutes_billable,
            rate_cents_per_hour=billed.rate_cents_per_hour, amount_cents=billed.amount_cents,
            invoice_number=entry.invoice_number, line=entry.invoice_line,
        )  # fmt: skip


class EntryList(BaseModel):
    items: list[EntryView]


class ApprovalBudget(BaseModel):
    approval_id: str
    provider_id: str
    valid_from: date
    valid_until: date
    budget_minutes: int
    used_minutes: int
    remaining_minutes: int
    percent_used: int = Field(description="whole percent, rounded down")
    thresholds_reached: list[int]

    @classmethod
    def of(cls, a: Approval) -> ApprovalBudget:
        return cls(approval_id=a.approval_id, provider_id=a.provider_id,
                   valid_from=a.valid_from, valid_until=a.valid_until,
                   budget_minutes=a.budget_minutes, used_minutes=a.used_minutes,
                   remaining_minutes=a.remaining_minutes, percent_used=percent_used(a),
                   thresholds_reached=sorted(a.thresholds))  # fmt: skip


class BudgetStatus(BaseModel):
    """The hour budgets of a case's Fachleistung approvals and what accepted hours used."""

    case_id: str
    approvals: list[ApprovalBudget]

    @classmethod
    def of(cls, case: CaseView) -> BudgetStatus:
        return cls(case_id=case.case_id, approvals=[ApprovalBudget.of(a) for a in case.approvals])


class RunRequest(BaseModel):
    period: Month = Field(description="the month to invoice, YYYY-MM; it must have ended")


class RunView(BaseModel):
    period: str
    already_run: bool = Field(description="true: the month was invoiced before; nothing changed")
    invoice_numbers: list[str]
