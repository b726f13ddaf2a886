"""The HTTP API: who may read, what the tables look like, and the public dashboard."""

from __future__ import annotations

import csv
import io

import pytest
from msa_kit.auth import Role

from tests.reporting.integration.conftest import Running

pytestmark = pytest.mark.integration

OFFICE = {Role.STATISTICIAN, Role.CASEWORKER, Role.AUDITOR, Role.FINANCE}
ENDPOINTS = (
    "/api/v1/figures", "/api/v1/tables/arrivals/region", "/api/v1/tables/hours_direct/provider.csv",
    "/api/v1/export.csv", "/api/v1/measures",
)  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
async def test_office_roles_read_every_table_and_others_are_refused(
    running: Running, role: Role
) -> None:
    for path in ENDPOINTS:
        answer = await running.http.get(path, headers=running.issuer.headers(role))
        assert answer.status_code == (200 if role in OFFICE else 403), (role, path)
        if role not in OFFICE:
            assert answer.json()["code"] == "role-not-allowed"


async def test_tables_need_a_token(running: Running) -> None:
    answer = await running.http.get("/api/v1/tables/arrivals/region")
    assert answer.status_code == 401 and answer.json()["code"] == "missing-token"


async def test_the_dashboard_is_public(running: Running) -> None:
    answer = await running.http.get("/dashboard")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert "Erreichte Ziele je Teilbereich" in answer.text


async def test_a_json_table_shows_suppressed_cells_as_null(running: Running) -> None:
    headers = running.issuer.headers(Role.STATISTICIAN)
    body = (await running.http.get("/api/v1/tables/goals_achieved/total", headers=headers)).json()
    total = body["rows"][-1]
    assert body["periods"] == ["2026-01", "2026-02", "2026-03", "cumulative"]
    assert total["values"]["2026-03"] is None and "2026-03" in total["suppressed"]
    assert body["threshold"] == 5 and body["as_of"] == "2026-03-15"


async def test_csv_exports_are_csv(running: Running) -> None:
    headers = running.issuer.headers(Role.FINANCE)
    answer = await running.http.get("/api/v1/tables/amount_invoiced/region.csv", headers=headers)
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:2] == ["key", "label"] and rows[-1][0] == "total"


async def test_unknown_figures_and_breakdowns_are_404(running: Running) -> None:
    headers = running.issuer.headers(Role.AUDITOR)
    assert (
        await running.http.get("/api/v1/tables/nonsense/region", headers=headers)
    ).status_code == 404
    answer = await running.http.get("/api/v1/tables/arrivals/provider", headers=headers)
    assert answer.status_code == 404 and answer.json()["code"] == "unknown-dimension"


async def test_the_measure_summary_lists_fields_and_active_measures(running: Running) -> None:
    headers = running.issuer.headers(Role.CASEWORKER)
    body = (await running.http.get("/api/v1/measures", headers=headers)).json()
    measures = [r["measure_id"] for r in body["rows"] if r["measure_id"]]
    assert measures == ["M19", "M30", "M52", "M62"]
    assert body["columns"]["goals_achieved"] == "Ziele erreicht"
