"""Measure-plan outcomes published by reporting for outside consumers (compacted topic)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from msa_contracts.events.base import Event
from msa_contracts.values import FieldId, MeasureId, Period

FigureName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,48}$")]


class MeasureOutcomeReported(Event):
    """The current figures of one measure for one period, after small-cell suppression.

    A figure that would reveal a group under the threshold is ``null`` and named in
    ``suppressed``. The latest event per key (measure and period) is the current state.
    """

    measure_id: MeasureId
    field_id: FieldId
    period: Period
    figures: dict[FigureName, int | None]
    suppressed: Annotated[list[FigureName], Field(default_factory=list)]
    computed_at: datetime

    def subject(self) -> str:
        return f"{self.measure_id}:{self.period}"
