"""Hours accepted or rejected, budgets, and monthly invoices, as published by billing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from msa_contracts.events.base import Event, Part
from msa_contracts.events.parts import Reason
from msa_contracts.values import (
    CaseId,
    Cents,
    ExternalId,
    GoalDomain,
    Module,
    ProviderId,
)

InvoiceNumber = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9-]{3,40}$")]
Month = Annotated[str, StringConstraints(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$")]


class HoursAccepted(Event):
    """An hour entry was accepted; the billable minutes and amount follow the rules in force."""

    entry_id: ExternalId
    provider_id: ProviderId
    case_id: CaseId
    module: Module
    approval_id: ExternalId | None
    service_date: date
    activity: Literal["direct", "indirect", "missed-appointment"]
    domain: GoalDomain
    worker_ref: ExternalId
    minutes_logged: Annotated[int, Field(ge=1)]
    minutes_billable: Annotated[int, Field(ge=0)]
    rate_cents_per_hour: Cents
    amount_cents: Cents
    accepted_at: datetime

    def subject(self) -> str:
        return self.case_id


class HoursRejected(Event):
    """An hour entry was rejected with a machine-readable reason code."""

    entry_id: Annotated[str, Field(max_length=128)]
    provider_id: ProviderId
    case_id: Annotated[str, Field(max_length=64)]
    reason: Reason
    rejected_at: datetime

    def subject(self) -> str:
        return self.case_id


class HoursHeld(Event):
    """An hour entry cannot be decided yet and waits: billing has not seen the case, its
    assignment to the provider or the approval yet, or the service date lies after the
    city's day billing is on. ``reason.code`` names what it waits for; the entry is decided
    as soon as that arrives, and at the latest on ``decide_by`` (then with what is known).
    The final answer, ``HoursAccepted`` or ``HoursRejected``, follows on the same topic."""

    entry_id: ExternalId
    provider_id: ProviderId
    case_id: CaseId
    service_date: date
    reason: Reason
    decide_by: date
    held_at: datetime

    def subject(self) -> str:
        return self.case_id


class BudgetThresholdReached(Event):
    """An approval's hour budget reached a threshold (80 % warning, 100 % exhausted)."""

    approval_id: ExternalId
    case_id: CaseId
    provider_id: ProviderId
    threshold_percent: Literal[80, 100]
    used_minutes: Annotated[int, Field(ge=0)]
    budget_minutes: Annotated[int, Field(ge=1)]

    def subject(self) -> str:
        return self.case_id


class InvoiceLine(Part):
    """One line: a case and module in a month, with its hours and amount."""

    case_id: CaseId
    module: Module
    approval_id: ExternalId | None
    service_month: Month
    entries: Annotated[int, Field(ge=1)]
    minutes_billable: int
    rate_cents_per_hour: Cents
    amount_cents: Cents
    correction: bool = False


class InvoiceIssued(Event):
    """A provider's monthly invoice was issued. An issued invoice is never changed."""

    invoice_number: InvoiceNumber
    provider_id: ProviderId
    period: Month
    issued_on: date
    lines: list[InvoiceLine]
    total_cents: Cents

    def subject(self) -> str:
        return self.provider_id


class InvoiceCorrected(Event):
    """Late entries for an already invoiced month, billed on a later invoice as corrections.

    A notice that refers to the corrected invoice (never changed itself): its lines are
    contained, as correction lines, in the ``InvoiceIssued`` of ``invoice_number``, so
    consumers must not add them to totals a second time.
    """

    invoice_number: InvoiceNumber
    corrects_invoice_number: InvoiceNumber
    provider_id: ProviderId
    corrected_period: Month
    lines: Annotated[list[InvoiceLine], Field(min_length=1)]
    total_cents: Cents

    def subject(self) -> str:
        return self.provider_id
