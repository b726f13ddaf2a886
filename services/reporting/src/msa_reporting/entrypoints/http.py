"""The JSON and CSV API over published (suppressed) tables.

Every table leaves only after suppression. Office roles read them: statistician,
caseworker, auditor and finance; providers and the front desk do not (403).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Response
from msa_contracts.reference import ReferenceData
from msa_kit.auth import Principal, Role, require

from msa_reporting.domain.dimensions import TOTAL, catalogue
from msa_reporting.domain.figures import BY_ID
from msa_reporting.domain.table import PublishedTable
from msa_reporting.entrypoints import views
from msa_reporting.ports import Store
from msa_reporting.summary import COLUMNS, summary_rows

OFFICE = (Role.STATISTICIAN, Role.CASEWORKER, Role.AUDITOR, Role.FINANCE)
Reader = Annotated[Principal, Depends(require(*OFFICE))]
CSV = "text/csv; charset=utf-8"


def router(store: Store, reference: ReferenceData) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["figures"])
    rows = catalogue(reference)

    async def published(figure: str, dimension: str) -> PublishedTable:
        if figure not in BY_ID:
            raise HTTPException(
                404, {"code": "unknown-figure", "message": f"Keine Kennzahl {figure!r}"}
            )
        if dimension != TOTAL and dimension not in BY_ID[figure].dimensions:
            message = f"{figure} hat keine Aufschlüsselung {dimension!r}"
            raise HTTPException(404, {"code": "unknown-dimension", "message": message})
        table = (await store.load_published()).get(figure)
        if table is None:
            raise HTTPException(
                503, {"code": "not-ready", "message": "Noch keine Kennzahlen berechnet"}
            )
        return table

    @api.get("/figures", summary="The figures, their definitions and breakdowns")
    async def figures(_: Reader) -> dict[str, Any]:
        meta = await store.meta()
        return {"as_of": meta.get("as_of"), "figures": views.catalogue_json(rows)}

    @api.get("/tables/{figure}/{dimension}.csv", summary="One table as CSV ('.' = suppressed)")
    async def table_csv(figure: str, dimension: str, _: Reader) -> Response:
        table = await published(figure, dimension)
        return _csv(views.table_csv(table, dimension, rows), f"{figure}-{dimension}.csv")

    @api.get("/tables/{figure}/{dimension}", summary="One table; suppressed cells are null")
    async def table_json(figure: str, dimension: str, _: Reader) -> dict[str, Any]:
        table = await published(figure, dimension)
        return views.table_json(table, dimension, rows, (await store.meta()).get("as_of"))

    @api.get("/export.csv", summary="Every table in long format")
    async def export(_: Reader) -> Response:
        tables = await store.load_published()
        ordered = [tables[f] for f in BY_ID if f in tables]
        return _csv(views.long_csv(ordered, rows), "msa-figures.csv")

    @api.get("/measures", summary="The measure-plan summary (cumulative, suppressed)")
    async def measures(_: Reader, all_measures: bool = False) -> dict[str, Any]:
        tables = await store.load_published()
        found = summary_rows(tables, reference, only_active=not all_measures) if tables else []
        return {
            "as_of": (await store.meta()).get("as_of"), "columns": COLUMNS,
            "rows": [{"field_id": r.field_id, "measure_id": r.measure_id, "title": r.title,
                      "figures": r.figures, "suppressed": list(r.suppressed)} for r in found],
        }  # fmt: skip

    return api


def _csv(body: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(body, media_type=CSV, headers={"Content-Disposition": disposition})
