"""Figures from the world: contributions summed (or their median taken) per cell."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from statistics import median_low

from msa_contracts.reference import ReferenceData

from msa_reporting.domain.contributions import Contribution, business_days, contributions
from msa_reporting.domain.dimensions import TOTAL, UNKNOWN, catalogue
from msa_reporting.domain.figures import FIGURES, Figure
from msa_reporting.domain.periods import CUMULATIVE, month_of, months_between
from msa_reporting.domain.table import CellKey, FigureTable
from msa_reporting.domain.world import World


def as_of(world: World) -> date | None:
    """The day figures are counted up to: the latest clock tick or business date."""
    days = business_days(world)
    return max(days) if days else None


def compute(world: World, reference: ReferenceData) -> dict[str, FigureTable]:
    """Every figure's true table (before suppression)."""
    days = business_days(world)
    if not days:
        return {f.id: _empty(f, reference) for f in FIGURES}
    months = months_between(min(days), max(days))
    by_figure: dict[str, list[Contribution]] = defaultdict(list)
    for c in contributions(world, reference, months, max(days)):
        by_figure[c.figure].append(c)
    return {f.id: aggregate(f, by_figure[f.id], months, reference) for f in FIGURES}


def periods_of(figure: Figure, months: tuple[str, ...]) -> tuple[str, ...]:
    return months if figure.kind == "stock" else (*months, CUMULATIVE)


def aggregate(figure: Figure, items: Iterable[Contribution], months: tuple[str, ...],
              reference: ReferenceData) -> FigureTable:  # fmt: skip
    sums: dict[CellKey, int] = defaultdict(int)
    samples: dict[CellKey, list[int]] = defaultdict(list)
    units: dict[CellKey, set[str]] = defaultdict(set)
    seen: dict[str, set[str]] = defaultdict(set)
    median = figure.kind == "median"  # samples only where a median is taken
    for c in items:
        month = month_of(c.on)
        periods: tuple[str, ...] = (month,) if figure.kind == "stock" else (month, CUMULATIVE)
        rows = [(TOTAL, TOTAL)] + [(d, c.attrs[d]) for d in figure.dimensions]
        value, unit = c.value, c.unit
        for dimension, row in rows:
            seen[dimension].add(row)
            for period in periods:
                key = (dimension, row, period)
                sums[key] += value
                if median:
                    samples[key].append(value)
                units[key].add(unit)
    table_rows = _rows(figure, seen, reference)
    all_periods = periods_of(figure, months)
    keys = [(d, r, p) for d, rows in table_rows.items() for r in rows for p in all_periods]
    keys += [(TOTAL, TOTAL, p) for p in all_periods]
    if figure.kind == "median":
        values = {k: (median_low(samples[k]) if samples.get(k) else None) for k in keys}
    else:
        values = {k: sums.get(k, 0) for k in keys}
    return FigureTable(figure.id, all_periods, table_rows, dict(values),
                       {k: len(units.get(k, ())) for k in keys})  # fmt: skip


def _rows(figure: Figure, seen: dict[str, set[str]],
          reference: ReferenceData) -> dict[str, tuple[str, ...]]:  # fmt: skip
    """Reference rows in their order, then rows only the data names, then ``unknown``."""
    known = catalogue(reference)
    rows: dict[str, tuple[str, ...]] = {}
    for dimension in figure.dimensions:
        listed = known[dimension].keys
        extra = sorted(seen[dimension] - set(listed) - {UNKNOWN})
        rows[dimension] = (*listed, *extra, *([UNKNOWN] if UNKNOWN in seen[dimension] else []))
    return rows


def _empty(figure: Figure, reference: ReferenceData) -> FigureTable:
    return aggregate(figure, (), (), reference)
