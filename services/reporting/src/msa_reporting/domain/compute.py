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
    """Every figure's true table (before suppression), each contribution added to its
    figure's tally as it is joined: none is kept, so memory stays with the cells."""
    days = business_days(world)
    if not days:
        return {f.id: _empty(f, reference) for f in FIGURES}
    months = months_between(min(days), max(days))
    tallies = {f.id: Tally(f) for f in FIGURES}
    for c in contributions(world, reference, months, max(days)):
        tallies[c.figure].add(c)
    return {f.id: tallies[f.id].table(months, reference) for f in FIGURES}


def periods_of(figure: Figure, months: tuple[str, ...]) -> tuple[str, ...]:
    return months if figure.kind == "stock" else (*months, CUMULATIVE)


def aggregate(figure: Figure, items: Iterable[Contribution], months: tuple[str, ...],
              reference: ReferenceData) -> FigureTable:  # fmt: skip
    tally = Tally(figure)
    for c in items:
        tally.add(c)
    return tally.table(months, reference)


class Tally:
    """One figure's cells as contributions arrive: sums, units and (medians) samples."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self.sums: dict[CellKey, int] = defaultdict(int)
        self.samples: dict[CellKey, list[int]] = defaultdict(list)
        self.units: dict[CellKey, set[str]] = defaultdict(set)
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.median = figure.kind == "median"  # samples only where a median is taken
        self.stock = figure.kind == "stock"

    def add(self, c: Contribution) -> None:
        month = month_of(c.on)
        periods: tuple[str, ...] = (month,) if self.stock else (month, CUMULATIVE)
        rows = [(TOTAL, TOTAL)] + [(d, c.attrs[d]) for d in self.figure.dimensions]
        value, unit = c.value, c.unit
        for dimension, row in rows:
            self.seen[dimension].add(row)
            for period in periods:
                key = (dimension, row, period)
                self.sums[key] += value
                if self.median:
                    self.samples[key].append(value)
                self.units[key].add(unit)

    def table(self, months: tuple[str, ...], reference: ReferenceData) -> FigureTable:
        figure, samples, units = self.figure, self.samples, self.units
        table_rows = _rows(figure, self.seen, reference)
        all_periods = periods_of(figure, months)
        keys = [(d, r, p) for d, rows in table_rows.items() for r in rows for p in all_periods]
        keys += [(TOTAL, TOTAL, p) for p in all_periods]
        if self.median:
            values = {k: (median_low(samples[k]) if samples.get(k) else None) for k in keys}
        else:
            values = {k: self.sums.get(k, 0) for k in keys}
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
