"""Figures from the world: contributions summed (or their median taken) per cell."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from statistics import median_low

from msa_contracts.reference import ReferenceData

from msa_reporting.domain.contributions import Contribution, business_span, contributions
from msa_reporting.domain.dimensions import TOTAL, UNKNOWN, catalogue
from msa_reporting.domain.figures import FIGURES, Figure
from msa_reporting.domain.periods import CUMULATIVE, month_of, months_between
from msa_reporting.domain.table import CellKey, FigureTable
from msa_reporting.domain.world import World


def as_of(world: World) -> date | None:
    """The day figures are counted up to: the latest clock tick or business date."""
    span = business_span(world)
    return span[1] if span else None


def compute(world: World, reference: ReferenceData) -> dict[str, FigureTable]:
    """Every figure's true table (before suppression), each contribution added to its
    figure's tally as it is joined: none is kept, so memory stays with the cells."""
    return tables(*tallies(world, reference), reference)


Tallies = dict[str, "Tally"]


def tallies(world: World, reference: ReferenceData, part: int = 0,
            parts: int = 1) -> tuple[tuple[str, ...], Tallies]:  # fmt: skip
    """The months reported and every figure's tally of the contributions of one ``part``
    of ``parts`` of the units (chosen by a hash of the unit): the tallies of all parts,
    ``absorb``-ed into one, are the tallies of all units (a unit counts in its part only)."""
    found = {f.id: Tally(f) for f in FIGURES}
    span = business_span(world)
    if span is None:
        return (), found
    months = months_between(*span)
    for c in contributions(world, reference, months, span[1], part, parts):
        found[c.figure].add(c)
    return months, found


def tables(months: tuple[str, ...], found: Tallies,
           reference: ReferenceData) -> dict[str, FigureTable]:  # fmt: skip
    """The true tables of every figure's tally over ``months``."""
    return {f.id: found[f.id].table(months, reference) for f in FIGURES}


def periods_of(figure: Figure, months: tuple[str, ...]) -> tuple[str, ...]:
    return months if figure.kind == "stock" else (*months, CUMULATIVE)


class Cell:
    """One cell as contributions arrive: its sum, its units and the last unit counted."""

    __slots__ = ("last", "sum", "units")

    def __init__(self) -> None:
        self.sum, self.units, self.last = 0, 0, ""


Counted = tuple[dict[CellKey, Cell], dict[CellKey, list[int]]]


class Tally:
    """One figure's cells as contributions arrive: sums, units and (medians) samples.

    The contributions of one unit must arrive one after another (as ``contributions``
    yields them): a cell then counts a unit when it differs from the cell's last one, so
    no cell keeps the set of its persons."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self.cells: dict[CellKey, Cell] = {}
        self.samples: dict[CellKey, list[int]] = defaultdict(list)
        self.median = figure.kind == "median"  # samples only where a median is taken
        self.stock = figure.kind == "stock"
        self._dimensions = (TOTAL, *figure.dimensions)
        self._months: dict[date, str] = {}

    def add(self, c: Contribution) -> None:
        month = self._months.get(c.on) or self._months.setdefault(c.on, month_of(c.on))
        periods: tuple[str, ...] = (month,) if self.stock else (month, CUMULATIVE)
        attrs, cells, value, unit = c.attrs, self.cells, c.value, c.unit
        for dimension in self._dimensions:
            row = attrs.get(dimension, TOTAL)  # no attribute is named "total"
            for period in periods:
                key = (dimension, row, period)
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = Cell()
                cell.sum += value
                if cell.last != unit:
                    cell.last = unit
                    cell.units += 1
                if self.median:
                    self.samples[key].append(value)

    def counted(self) -> Counted:
        """The cells and samples, to be added to the tally of other units (``absorb``)."""
        return self.cells, dict(self.samples)

    def absorb(self, counted: Counted) -> None:
        """Add what the tally of other units (none of them counted here) ``counted``."""
        cells, samples = counted
        for key, theirs in cells.items():
            cell = self.cells.get(key)
            if cell is None:
                self.cells[key] = theirs
            else:
                cell.sum += theirs.sum
                cell.units += theirs.units
        for key, values in samples.items():
            self.samples[key].extend(values)

    def table(self, months: tuple[str, ...], reference: ReferenceData) -> FigureTable:
        figure, samples, cells = self.figure, self.samples, self.cells
        seen: dict[str, set[str]] = defaultdict(set)
        for dimension, row, _period in cells:
            seen[dimension].add(row)
        table_rows = _rows(figure, seen, reference)
        all_periods = periods_of(figure, months)
        keys = [(d, r, p) for d, rows in table_rows.items() for r in rows for p in all_periods]
        keys += [(TOTAL, TOTAL, p) for p in all_periods]
        empty = Cell()
        if self.median:
            values = {k: (median_low(samples[k]) if samples.get(k) else None) for k in keys}
        else:
            values = {k: cells.get(k, empty).sum for k in keys}
        return FigureTable(figure.id, all_periods, table_rows, dict(values),
                           {k: cells.get(k, empty).units for k in keys})  # fmt: skip


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
