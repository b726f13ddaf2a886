"""A figure's cells across all its breakdowns, before and after suppression.

A cell is addressed by (dimension, row, period); the city total is the shared row
(``total``, ``total``): every breakdown of a figure adds up to the same total cells, which
is why a figure is protected as one table with all its breakdowns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from msa_reporting.domain.dimensions import TOTAL

CellKey = tuple[str, str, str]
TOTAL_ROW = (TOTAL, TOTAL)


def total(period: str) -> CellKey:
    return (TOTAL, TOTAL, period)


@dataclass(frozen=True)
class FigureTable:
    """The true figures (internal only): values, and the number of distinct persons (or
    cases, where no person is known) behind each cell. A median without data is None."""

    figure: str
    periods: tuple[str, ...]
    rows: dict[str, tuple[str, ...]]
    values: dict[CellKey, int | None]
    units: dict[CellKey, int] = field(default_factory=dict)

    def value(self, dimension: str, row: str, period: str) -> int | None:
        return self.values.get((dimension, row, period), 0)


@dataclass(frozen=True)
class PublishedTable:
    """What may leave the service: suppressed cells are None and listed in ``suppressed``."""

    figure: str
    periods: tuple[str, ...]
    rows: dict[str, tuple[str, ...]]
    values: dict[CellKey, int | None]
    suppressed: frozenset[CellKey]
    threshold: int

    def value(self, dimension: str, row: str, period: str) -> int | None:
        return self.values.get((dimension, row, period), 0)
