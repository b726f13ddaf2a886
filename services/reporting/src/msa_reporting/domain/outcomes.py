"""Measure outcomes for the compacted topic: one record per measure and period.

The figures of measure ``Mxx`` in a period are the ``measure`` rows of the published goal,
mentoring and referral tables, so the topic shows exactly what the API shows: a suppressed
figure is null and named in ``suppressed``. A key is emitted only when its content changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from msa_contracts.events import MeasureOutcomeReported
from msa_contracts.reference import ReferenceData

from msa_reporting.domain.figures import MEASURE_FIGURES
from msa_reporting.domain.table import PublishedTable


@dataclass(frozen=True)
class MeasureOutcome:
    """The content of one key, comparable with what was emitted before."""

    measure_id: str
    field_id: str
    period: str
    figures: dict[str, int | None]
    suppressed: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.measure_id}:{self.period}"

    def is_empty(self) -> bool:
        return not self.suppressed and not any(self.figures.values())

    def event(self, computed_at: datetime) -> MeasureOutcomeReported:
        return MeasureOutcomeReported(
            measure_id=self.measure_id, field_id=self.field_id, period=self.period,
            figures=dict(self.figures), suppressed=list(self.suppressed),
            computed_at=computed_at,
        )  # fmt: skip


def measure_outcomes(tables: Mapping[str, PublishedTable],
                     reference: ReferenceData) -> dict[str, MeasureOutcome]:  # fmt: skip
    """Every measure's outcome in every period of the published tables."""
    found: dict[str, MeasureOutcome] = {}
    periods = tables[MEASURE_FIGURES["goals_set"]].periods
    for measure in reference.measures:
        for period in periods:
            figures: dict[str, int | None] = {}
            suppressed: list[str] = []
            for name, figure in MEASURE_FIGURES.items():
                key = ("measure", measure.id, period)
                figures[name] = tables[figure].values.get(key)
                if key in tables[figure].suppressed:
                    suppressed.append(name)
            outcome = MeasureOutcome(measure.id, measure.field, period, figures, tuple(suppressed))
            found[outcome.key] = outcome
    return found


def changed(
    current: Mapping[str, MeasureOutcome], emitted: Mapping[str, MeasureOutcome]
) -> list[MeasureOutcome]:
    """Keys whose content differs from the last emitted; never-emitted empty keys are skipped."""
    return [
        outcome for key, outcome in sorted(current.items())
        if emitted.get(key) != outcome and (key in emitted or not outcome.is_empty())
    ]  # fmt: skip
