"""The HTTP API's role matrix, invoice runs by command, line entries and the proof of service,
over the in-memory store."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from msa_contracts.reference import ReferenceData
from msa_contracts.values import Module
from msa_kit.auth import Role

from tests.auth import Issuer
from tests.billing.builders import approved, assigned, logged, module_changed, new_case_id, opened
from tests.billing.harness import Harness, harness

START = date(2026, 3, 2)
Api = tuple[Harness, httpx.AsyncClient]


@pytest.fixture
async def api(reference: ReferenceData, issuer: Issuer) -> AsyncIterator[Api]:
    async with harness(reference, auth_public_key_files=str(issuer.public_key_file)) as bill:
        transport = httpx.ASGITransport(app=bill.billing.http_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://billing") as client:
            yield bill, client


async def seed(bill: Harness) -> tuple[str, str]:
    """A caritas Fachleistung case and a diakonie case with March hours; March invoiced."""
    mine, theirs = new_case_id(), new_case_id()
    await bill.day(date(2026, 3, 31))
    await bill.case(
        opened(mine, START), assigned(mine, "caritas", START),
        approved(mine, "caritas", START, date(2027, 3, 1), 600),
        module_changed(mine, Module.FACHLEISTUNG, START),
        opened(theirs, START), assigned(theirs, "diakonie", START),
    )  # fmt: skip
    await bill.hours("caritas", logged(mine, date(2026, 3, 3), 60, worker="anna"))
    await bill.hours("caritas", logged(mine, date(2026, 3, 4), 45, "indirect", worker="ben"))
    await bill.hours("diakonie", logged(theirs, date(2026, 3, 3), 30))
    await bill.day(date(2026, 4, 1))
    return mine, theirs


@pytest.mark.parametrize("role", [Role.FINANCE, Role.AUDITOR])
async def test_finance_and_auditors_see_every_invoice(api: Api, issuer: Issuer, role: Role) -> None:
    bill, client = api
    await seed(bill)

    listed = await client.get("/invoices", params={"period": "2026-03"},
                              headers=issuer.headers(role))  # fmt: skip
    one = await client.get("/providers/diakonie/invoices/2026-03", headers=issuer.headers(role))

    assert listed.status_code == 200
    assert [i["provider_id"] for i in listed.json()["items"]] == ["caritas", "diakonie"]
    assert one.status_code == 200 and one.json()["invoice_number"] == "RE-2026-000002"


async def test_a_provider_sees_only_its_own_invoices_and_others_are_not_found(
    api: Api, issuer: Issuer
) -> None:
    bill, client = api
    await seed(bill)
    caritas = issuer.headers(Role.PROVIDER, "caritas")

    listed = await client.get("/invoices", headers=caritas)
    own = await client.get("/invoices/RE-2026-000001", headers=caritas)
    other = await client.get("/invoices/RE-2026-000002", headers=caritas)
    other_month = await client.get("/providers/diakonie/invoices/2026-03", headers=caritas)
    other_list = await client.get("/invoices", params={"provider_id": "diakonie"}, headers=caritas)
    other_proof = await client.get("/invoices/RE-2026-000002/proof.csv", headers=caritas)

    assert [i["invoice_number"] for i in listed.json()["items"]] == ["RE-2026-000001"]
    assert own.status_code == 200
    for answer in (other, other_month, other_list, other_proof):
        assert answer.status_code == 404
    assert other.json()["code"] == "invoice-not-found"


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.FRONT_DESK, Role.STATISTICIAN])
async def test_other_roles_see_no_invoices(api: Api, issuer: Issuer, role: Role) -> None:
    bill, client = api
    await seed(bill)

    answer = await client.get("/invoices/RE-2026-000001", headers=issuer.headers(role))

    assert answer.status_code == 403
    assert answer.json()["code"] == "role-not-allowed"


async def test_requests_without_a_token_are_unauthorised(api: Api) -> None:
    _, client = api
    answer = await client.get("/invoices")
    assert answer.status_code == 401 and answer.json()["code"] == "missing-token"


@pytest.mark.parametrize("role", [Role.FINANCE, Role.AUDITOR, Role.CASEWORKER])
async def test_office_roles_see_budget_status(api: Api, issuer: Issuer, role: Role) -> None:
    bill, client = api
    mine, _ = await seed(bill)

    answer = await client.get(f"/cases/{mine}/budget", headers=issuer.headers(role))

    assert answer.status_code == 200
    budget = answer.json()["approvals"][0]
    assert (budget["budget_minutes"], budget["used_minutes"], budget["remaining_minutes"]) == (
        600, 120, 480,
    )  # fmt: skip
    assert (budget["percent_used"], budget["thresholds_reached"]) == (20, [])


async def test_a_provider_sees_the_budget_of_its_own_cases_only(api: Api, issuer: Issuer) -> None:
    bill, client = api
    mine, theirs = await seed(bill)
    caritas = issuer.headers(Role.PROVIDER, "caritas")

    own = await client.get(f"/cases/{mine}/budget", headers=caritas)
    other = await client.get(f"/cases/{theirs}/budget", headers=caritas)
    unknown = await client.get(f"/cases/{new_case_id()}/budget", headers=caritas)

    assert own.status_code == 200
    assert (other.status_code, unknown.status_code) == (404, 404)
    assert other.json() == unknown.json() | {"message": other.json()["message"]}


async def test_finance_runs_a_month_once_and_a_rerun_changes_nothing(
    api: Api, issuer: Issuer
) -> None:
    bill, client = api
    await seed(bill)
    await bill.day(date(2026, 5, 2))  # April is run by the clock: nothing to invoice
    headers = issuer.headers(Role.FINANCE)

    rerun = await client.post("/invoice-runs", json={"period": "2026-03"}, headers=headers)

    assert rerun.status_code == 200
    assert rerun.json() == {"period": "2026-03", "already_run": True,
                            "invoice_numbers": ["RE-2026-000001", "RE-2026-000002"]}  # fmt: skip
    assert bill.commands.published == []


async def test_a_command_run_issues_invoices_and_publishes_them(api: Api, issuer: Issuer) -> None:
    bill, client = api  # no clock tick yet: "today" is the service clock's (2026-03-20)
    case_id = new_case_id()
    await bill.case(opened(case_id, date(2026, 2, 2)), assigned(case_id, "awo", date(2026, 2, 2)))
    await bill.hours("awo", logged(case_id, date(2026, 2, 3), 60))

    run = await client.post("/invoice-runs", json={"period": "2026-02"},
                            headers=issuer.headers(Role.FINANCE))  # fmt: skip

    assert run.status_code == 201
    assert run.json() == {"period": "2026-02", "already_run": False,
                          "invoice_numbers": ["RE-2026-000001"]}  # fmt: skip
    published = [(o.topic, type(o.event).__name__) for o in bill.commands.published]
    assert published == [("msa.provider.awo.feedback", "InvoiceIssued"),
                         ("msa.billing.ledger", "InvoiceIssued")]  # fmt: skip


async def test_a_run_of_a_month_that_has_not_ended_is_refused(api: Api, issuer: Issuer) -> None:
    bill, client = api
    await bill.day(date(2026, 3, 31))
    headers = issuer.headers(Role.FINANCE)

    running_month = await client.post("/invoice-runs", json={"period": "2026-03"}, headers=headers)
    malformed = await client.post("/invoice-runs", json={"period": "March"}, headers=headers)

    assert running_month.status_code == 409
    assert running_month.json()["code"] == "period-not-closed"
    assert malformed.status_code == 422 and malformed.json()["code"] == "validation-failed"


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CASEWORKER, Role.PROVIDER])
async def test_only_finance_starts_an_invoice_run(api: Api, issuer: Issuer, role: Role) -> None:
    _, client = api
    headers = issuer.headers(role, "caritas" if role is Role.PROVIDER else None)
    answer = await client.post("/invoice-runs", json={"period": "2026-02"}, headers=headers)
    assert answer.status_code == 403


async def test_the_entries_behind_a_line(api: Api, issuer: Issuer) -> None:
    bill, client = api
    mine, _ = await seed(bill)
    headers = issuer.headers(Role.PROVIDER, "caritas")

    invoice = (await client.get("/invoices/RE-2026-000001", headers=headers)).json()
    entries = await client.get("/invoices/RE-2026-000001/lines/1/entries", headers=headers)
    missing = await client.get("/invoices/RE-2026-000001/lines/9/entries", headers=headers)

    line = invoice["lines"][0]
    assert (line["case_id"], line["approval_id"], line["entries"]) == (mine, f"{mine}:A1", 2)
    items = entries.json()["items"]
    assert [(e["worker_ref"], e["minutes_billable"]) for e in items] == [("anna", 60), ("ben", 60)]
    assert sum(e["amount_cents"] for e in items) == line["amount_cents"]
    assert missing.status_code == 404 and missing.json()["code"] == "line-not-found"


async def test_the_proof_of_service_as_csv_lists_every_entry(api: Api, issuer: Issuer) -> None:
    bill, client = api
    mine, _ = await seed(bill)

    answer = await client.get("/invoices/RE-2026-000001/proof.csv",
                              headers=issuer.headers(Role.FINANCE))  # fmt: skip

    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(rows[0])[:3] == ["Rechnungsnummer", "Zeile", "Korrektur"]
    assert [(r["Klientenreferenz"], r["Bewilligungsreferenz"], r["Leistungsdatum"],
             r["Minuten erfasst"], r["Art"], r["Zielbereich"], r["Fachkraft"]) for r in rows] == [
        (mine, f"{mine}:A1", "2026-03-03", "60", "direct", "language", "anna"),
        (mine, f"{mine}:A1", "2026-03-04", "45", "indirect", "language", "ben"),
    ]  # fmt: skip
    assert [(r["Betrag (EUR)"], r["Korrektur"]) for r in rows] == [("68.00", "nein")] * 2


async def test_the_proof_of_service_as_printable_html(api: Api, issuer: Issuer) -> None:
    bill, client = api
    mine, _ = await seed(bill)

    answer = await client.get("/invoices/RE-2026-000001/proof.html",
                              headers=issuer.headers(Role.AUDITOR))  # fmt: skip

    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert "Leistungsnachweis zu Rechnung RE-2026-000001" in page
    assert mine in page and "indirekt" in page and "136,00 €" in page and "@media print" in page
