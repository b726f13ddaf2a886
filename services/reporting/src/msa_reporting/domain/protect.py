"""Applying suppression to a figure: its cells, the relations between them, the result.

Relations of a figure (all breakdowns together, sharing the total row):
- flows: in every row, the months add up to the cumulative cell;
- per period: the rows of a flat breakdown add up to the total; regions add up to the
  total and each region's districts to the region; fields to the total and each field's
  measures to the field.
Stocks have no cumulative cell. Medians do not add up: a median is suppressed when fewer
than k persons stand behind it.
"""

from __future__ import annotations

from msa_reporting.domain.dimensions import PARENT, TOTAL, UNKNOWN
from msa_reporting.domain.figures import BY_ID
from msa_reporting.domain.periods import CUMULATIVE
from msa_reporting.domain.relations import CountedCell, Relation
from msa_reporting.domain.suppression import primary, suppress
from msa_reporting.domain.table import CellKey, FigureTable, PublishedTable, total


def relations(table: FigureTable, parents: dict[str, dict[str, str]]) -> list[Relation[CellKey]]:
    """``parents`` maps a nested breakdown's rows to their parent rows (district → region)."""
    found: list[Relation[CellKey]] = []
    months = tuple(p for p in table.periods if p != CUMULATIVE)
    if CUMULATIVE in table.periods:
        every_row = [(TOTAL, TOTAL)] + [(d, r) for d, rows in table.rows.items() for r in rows]
        for d, r in every_row:
            found.append(Relation((d, r, CUMULATIVE), tuple((d, r, m) for m in months)))
    nested = {child for child, parent in PARENT.items() if child in table.rows}
    for period in table.periods:
        for dimension, rows in table.rows.items():
            if dimension in nested:
                found.extend(_nested(dimension, rows, parents[dimension], period))
            else:
                found.append(Relation(total(period), tuple((dimension, r, period) for r in rows)))
    return found


def _nested(child: str, rows: tuple[str, ...], parent_of: dict[str, str],
            period: str) -> list[Relation[CellKey]]:  # fmt: skip
    groups: dict[str, list[str]] = {}
    for row in rows:
        groups.setdefault(parent_of.get(row, UNKNOWN), []).append(row)
    parent = PARENT[child]
    return [Relation((parent, p, period), tuple((child, r, period) for r in members))
            for p, members in groups.items()]  # fmt: skip


def protect(table: FigureTable, threshold: int,
            parents: dict[str, dict[str, str]]) -> PublishedTable:  # fmt: skip
    """The publishable version of ``table``."""
    cells = {k: CountedCell(v or 0, table.units.get(k, 0)) for k, v in table.values.items()}
    if BY_ID[table.figure].kind == "median":
        hidden = primary(cells, threshold)
    else:
        hidden = suppress(cells, relations(table, parents), threshold)
    values = {k: (None if k in hidden else v) for k, v in table.values.items()}
    return PublishedTable(table.figure, table.periods, table.rows, values,
                          frozenset(hidden), threshold)  # fmt: skip
