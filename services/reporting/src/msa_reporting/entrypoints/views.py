"""What the API returns: published tables as JSON rows and as CSV.

Suppressed cells are ``null`` in JSON (and listed per row in ``suppressed``) and ``.`` in
the CSV of one table (as in German official statistics: "Zahlenwert geheim zu halten");
the long CSV of all tables has an empty value and ``suppressed=1``. A median without data
is ``null`` / empty and not suppressed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from msa_reporting.domain.dimensions import DIMENSION_LABELS, TOTAL, Rows, label
from msa_reporting.domain.figures import BY_ID, FIGURES
from msa_reporting.domain.periods import CUMULATIVE
from msa_reporting.domain.table import PublishedTable

SECRET = "."


def period_label(period: str) -> str:
    if period == CUMULATIVE:
        return "kumuliert"
    year, month = period.split("-")
    return f"{month}/{year}"


def catalogue_json(rows: dict[str, Rows]) -> list[dict[str, Any]]:
    return [
        {"figure": f.id, "label": f.label, "unit": f.unit, "kind": f.kind,
         "definition": f.definition,
         "dimensions": [{"id": d, "label": DIMENSION_LABELS[d]} for d in f.dimensions]}
        for f in FIGURES
    ]  # fmt: skip


def row_keys(table: PublishedTable, dimension: str) -> list[tuple[str, str]]:
    """(dimension, row) pairs of one breakdown, the city total last."""
    keys = [(dimension, r) for r in table.rows.get(dimension, ())] if dimension != TOTAL else []
    return [*keys, (TOTAL, TOTAL)]


def table_json(table: PublishedTable, dimension: str, rows: dict[str, Rows],
               as_of: str | None) -> dict[str, Any]:  # fmt: skip
    figure = BY_ID[table.figure]
    parents = rows[dimension].parents if dimension in rows else {}
    out_rows = []
    for d, r in row_keys(table, dimension):
        values = {p: table.values.get((d, r, p)) for p in table.periods}
        hidden = [p for p in table.periods if (d, r, p) in table.suppressed]
        item: dict[str, Any] = {"key": r, "label": label(rows.get(d, _NONE), r), "values": values,
                                "suppressed": hidden}  # fmt: skip
        if parents and d != TOTAL:
            item["parent"] = parents.get(r, "unknown")
        out_rows.append(item)
    return {
        "figure": figure.id, "label": figure.label, "unit": figure.unit, "kind": figure.kind,
        "definition": figure.definition, "dimension": dimension,
        "dimension_label": DIMENSION_LABELS.get(dimension, "Gesamt"),
        "periods": list(table.periods), "threshold": table.threshold, "as_of": as_of,
        "rows": out_rows,
    }  # fmt: skip


def table_csv(table: PublishedTable, dimension: str, rows: dict[str, Rows]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "label", *table.periods])
    for d, r in row_keys(table, dimension):
        cells = [_cell(table, (d, r, p)) for p in table.periods]
        writer.writerow([r, label(rows.get(d, _NONE), r), *cells])
    return out.getvalue()


def long_csv(tables: Iterable[PublishedTable], rows: dict[str, Rows]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["figure", "dimension", "key", "label", "period", "value", "suppressed"])
    for table in tables:
        for dimension in [*BY_ID[table.figure].dimensions, TOTAL]:
            for d, r in row_keys(table, dimension):
                if d == TOTAL and dimension != TOTAL:
                    continue
                for p in table.periods:
                    value = table.values.get((d, r, p))
                    hidden = (d, r, p) in table.suppressed
                    writer.writerow([table.figure, dimension, r, label(rows.get(d, _NONE), r), p,
                                     "" if value is None else value, int(hidden)])  # fmt: skip
    return out.getvalue()


def _cell(table: PublishedTable, key: tuple[str, str, str]) -> str:
    if key in table.suppressed:
        return SECRET
    value = table.values.get(key)
    return "" if value is None else str(value)


_NONE = Rows("total", (), {}, {})
