"""The whole projection as one pure function: stored events in, true and published figures
and measure outcomes out. The live service and the replay both call exactly this."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from msa_contracts.reference import ReferenceData

from msa_reporting.domain.compute import as_of, compute
from msa_reporting.domain.dimensions import parents
from msa_reporting.domain.fold import fold
from msa_reporting.domain.outcomes import MeasureOutcome, measure_outcomes
from msa_reporting.domain.protect import protect
from msa_reporting.domain.stored import Stored, canonical
from msa_reporting.domain.table import FigureTable, PublishedTable
from msa_reporting.domain.world import World


@dataclass(frozen=True)
class Figures:
    as_of: date | None
    events: int
    true: dict[str, FigureTable]
    published: dict[str, PublishedTable]
    outcomes: dict[str, MeasureOutcome]


def project(events: Mapping[str, Stored], reference: ReferenceData, threshold: int) -> Figures:
    """Figures from the set of stored events (keyed by ``Stored.key``)."""
    return figures_of(fold(canonical(dict(events))), reference, threshold, len(events))


def figures_of(world: World, reference: ReferenceData, threshold: int, events: int,
               true: dict[str, FigureTable] | None = None) -> Figures:  # fmt: skip
    """Figures from a folded world (the replay folds batch by batch, then calls this, with
    the ``true`` tables where it computed them already)."""
    true = compute(world, reference) if true is None else true
    nesting = parents(reference)
    published = {name: protect(table, threshold, nesting) for name, table in true.items()}
    return Figures(as_of(world), events, true, published,
                   measure_outcomes(published, reference))  # fmt: skip
