"""The measure-plan summary: cumulative figures per field and measure, suppressed.

For the run command's closing table: ``summary_rows`` from published tables (pure), or
``measure_plan_summary`` straight from reporting's database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from msa_contracts.reference import ReferenceData, load_reference

from msa_reporting.domain.figures import MEASURE_FIGURES
from msa_reporting.domain.periods import CUMULATIVE
from msa_reporting.domain.table import PublishedTable
from msa_reporting.readout import DEFAULT_DATABASE, published_figures

COLUMNS = {
    "goals_set": "Ziele gesetzt", "goals_achieved": "Ziele erreicht",
    "goals_dropped": "Ziele aufgegeben", "goal_days_median": "Tage bis Ziel (Median)",
    "mentors_matched": "Mentoring", "referrals": "Vermittlungen",
}  # fmt: skip


@dataclass(frozen=True)
class SummaryRow:
    """One line: a field (``measure_id`` None) or one of its measures. A figure is None
    when suppressed (then named in ``suppressed``) or, for the median, without data."""

    field_id: str
    measure_id: str | None
    title: str
    figures: dict[str, int | None]
    suppressed: tuple[str, ...] = ()


def summary_rows(
    tables: Mapping[str, PublishedTable], reference: ReferenceData, *, only_active: bool = True
) -> list[SummaryRow]:
    """Each field, then its measures (with ``only_active``: those with any figure)."""
    rows: list[SummaryRow] = []
    for f in reference.fields:
        rows.append(_row(tables, f.id, None, f"{f.id} {f.de}"))
        for m in (m for m in reference.measures if m.field == f.id):
            row = _row(tables, f.id, m.id, f"{m.id} {m.title}")
            if not only_active or row.suppressed or any(row.figures.values()):
                rows.append(row)
    return rows


def _row(
    tables: Mapping[str, PublishedTable], field_id: str, measure_id: str | None, title: str
) -> SummaryRow:
    key = ("measure", measure_id, CUMULATIVE) if measure_id else ("field", field_id, CUMULATIVE)
    figures: dict[str, int | None] = {}
    hidden: list[str] = []
    for name, figure in MEASURE_FIGURES.items():
        table = tables.get(figure)
        figures[name] = table.values.get(key, 0) if table else 0
        if table and key in table.suppressed:
            hidden.append(name)
    return SummaryRow(field_id, measure_id, title, figures, tuple(hidden))


async def measure_plan_summary(
    mongodb_uri: str, database: str = DEFAULT_DATABASE, *, only_active: bool = True
) -> list[SummaryRow]:
    """The summary from a running (or finished) reporting service's database."""
    tables = await published_figures(mongodb_uri, database)
    return summary_rows(tables, load_reference(), only_active=only_active)
