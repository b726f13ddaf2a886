"""Billing's HTTP API. Finance and auditors see every invoice; a provider sees only its own
(another provider's is 'not found', so its existence does not leak); caseworkers see budget
status only; only finance starts an invoice run. Errors are ``{"code", "message", ...}``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from msa_contracts.events.billing import Month
from msa_kit.auth import Principal, Role, require

from msa_billing.domain.invoices import Invoice
from msa_billing.domain.months import month_of
from msa_billing.entrypoints.proof import proof_csv, proof_html
from msa_billing.entrypoints.views import (
    BudgetStatus,
    EntryList,
    EntryView,
    InvoiceDetail,
    InvoiceList,
    InvoiceSummary,
    RunRequest,
    RunView,
)
from msa_billing.handlers.invoicing import run_invoices
from msa_billing.ports import Commands, Store

InvoiceReader = Annotated[Principal, Depends(require(Role.FINANCE, Role.AUDITOR, Role.PROVIDER))]
BudgetReader = Annotated[
    Principal, Depends(require(Role.FINANCE, Role.AUDITOR, Role.CASEWORKER, Role.PROVIDER))
]
Finance = Annotated[Principal, Depends(require(Role.FINANCE))]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing, invalid or expired token"},
    403: {"description": "role not admitted"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found (for you)"}}


def _problem(status: int, code: str, message: str) -> HTTPException:
    return HTTPException(status, detail={"code": code, "message": message})


@dataclass(frozen=True)
class Api:
    """What the routes need: storage, the command runner, 'today', names for documents."""

    store: Store
    commands: Commands
    today: Callable[[], Awaitable[date]]
    provider_names: dict[str, str]
    domain_names: dict[str, str]


def billing_router(api: Api) -> APIRouter:
    router = APIRouter(tags=["billing"], responses=ERRORS)
    reads = api.store.unit(None)

    async def visible_invoice(number: str, who: Principal) -> Invoice:
        invoice = await reads.invoices.get(number)
        if invoice is None or not who.owns(invoice.provider_id):
            raise _problem(404, "invoice-not-found", f"Keine Rechnung {number}")
        return invoice

    @router.post("/invoice-runs", status_code=201, responses={
        200: {"description": "the month was invoiced before; nothing changed"},
        409: {"description": "the month has not ended yet"},
    })  # fmt: skip
    async def start_run(request: RunRequest, _who: Finance, response: Response) -> RunView:
        """Invoice a month for every provider (also done by the clock on the 1st)."""
        today = await api.today()
        if request.period >= month_of(today):
            raise _problem(
                409,
                "period-not-closed",
                f"Der Zeitraum {request.period} ist noch nicht abgeschlossen ({today})",
            )
        result = await api.commands(lambda unit: run_invoices(unit, request.period, today))
        if result.already_run:
            response.status_code = 200
        return RunView(period=result.period, already_run=result.already_run,
                       invoice_numbers=result.numbers)  # fmt: skip

    @router.get("/invoices")
    async def list_invoices(
        who: InvoiceReader, provider_id: str | None = None, period: Month | None = None
    ) -> InvoiceList:
        """Invoices by provider and month; a provider's list is its own invoices."""
        if who.role is Role.PROVIDER:
            if provider_id not in (None, who.provider_id):
                raise _problem(404, "provider-not-found", f"Keine Rechnungen von {provider_id}")
            provider_id = who.provider_id
        found = await reads.invoices.find(provider_id, period)
        return InvoiceList(items=[InvoiceSummary.of(i) for i in found])

    @router.get("/providers/{provider_id}/invoices/{period}", responses=NOT_FOUND)
    async def provider_month(provider_id: str, period: Month, who: InvoiceReader) -> InvoiceDetail:
        """The provider's invoice for the month (its lines may correct earlier months)."""
        found = await reads.invoices.find(provider_id, period) if who.owns(provider_id) else []
        if not found:
            raise _problem(
                404, "invoice-not-found", f"Keine Rechnung von {provider_id} für {period}"
            )
        return InvoiceDetail.of(found[0])

    @router.get("/invoices/{number}", responses=NOT_FOUND)
    async def get_invoice(number: str, who: InvoiceReader) -> InvoiceDetail:
        return InvoiceDetail.of(await visible_invoice(number, who))

    @router.get("/invoices/{number}/lines/{line}/entries", responses=NOT_FOUND)
    async def line_entries(number: str, line: int, who: InvoiceReader) -> EntryList:
        """The accepted hour entries behind one invoice line."""
        invoice = await visible_invoice(number, who)
        if not any(x.number == line for x in invoice.lines):
            raise _problem(404, "line-not-found", f"Rechnung {number} hat keine Zeile {line}")
        entries = [e for e in await reads.entries.of_invoice(number) if e.invoice_line == line]
        return EntryList(items=[EntryView.of(e) for e in entries])

    @router.get("/invoices/{number}/proof.csv", response_class=PlainTextResponse,
                responses=NOT_FOUND)  # fmt: skip
    async def proof_as_csv(number: str, who: InvoiceReader) -> PlainTextResponse:
        """The proof of service (Leistungsnachweis) as CSV, one row per entry."""
        invoice = await visible_invoice(number, who)
        body = proof_csv(invoice, await reads.entries.of_invoice(number))
        disposition = f'attachment; filename="leistungsnachweis-{number}.csv"'
        return PlainTextResponse(body, media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": disposition})  # fmt: skip

    @router.get("/invoices/{number}/proof.html", response_class=HTMLResponse,
                responses=NOT_FOUND)  # fmt: skip
    async def proof_as_html(number: str, who: InvoiceReader) -> HTMLResponse:
        """The proof of service as a printable HTML page."""
        invoice = await visible_invoice(number, who)
        entries = await reads.entries.of_invoice(number)
        name = api.provider_names.get(invoice.provider_id, invoice.provider_id)
        return HTMLResponse(proof_html(invoice, entries, name, api.domain_names))

    @router.get("/cases/{case_id}/budget", responses=NOT_FOUND)
    async def budget(case_id: str, who: BudgetReader) -> BudgetStatus:
        """The case's Fachleistung budgets: used, remaining, thresholds reached."""
        case = await reads.cases.get(case_id)
        mine = case is not None and (
            who.role is not Role.PROVIDER
            or who.provider_id in (case.current_holder(), case.holder_at_closure())
        )
        if case is None or not mine:
            raise _problem(404, "case-not-found", f"Kein Fall {case_id}")
        return BudgetStatus.of(case)

    return router
